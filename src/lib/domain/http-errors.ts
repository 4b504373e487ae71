// What an error page says for each HTTP status, in Chinese (never the English status text).

const STATUS_TITLES: Record<number, string> = {
	400: '请求有误',
	401: '请先登录',
	403: '无权访问',
	404: '页面不存在',
	405: '不支持此请求方式',
	408: '请求超时',
	409: '操作冲突',
	413: '请求内容过大',
	415: '不支持的内容类型',
	429: '操作过于频繁',
	500: '服务器错误',
	502: '服务暂时不可用',
	503: '服务暂时不可用'
};

export function statusTitle(status: number): string {
	return STATUS_TITLES[status] ?? (status >= 500 ? '服务器错误' : '请求有误');
}

/** True when a message was written for users (ours are Chinese); framework messages are English. */
export function isChineseMessage(message: string | undefined | null): message is string {
	return !!message && /[\u3400-\u9fff]/.test(message);
}
