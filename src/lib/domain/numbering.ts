/** A title that starts with its own number: 第一节 / 第3课 / 1. / 1、 / （一） / 一、. */
const OWN_NUMBER = /^\s*(第[一二三四五六七八九十百零〇\d]+[章节课讲部分篇单元]|\d+(\.\d+)*[.、．:：\s]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)/;

export function hasOwnNumber(title: string): boolean {
	return OWN_NUMBER.test(title);
}

/** A list numbers its items itself only when none of the titles already carries a number ("1. 第一节 …" otherwise). */
export function listNumbersItself(titles: readonly string[]): boolean {
	return !titles.some(hasOwnNumber);
}
