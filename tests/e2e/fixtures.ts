/**
 * Every journey imports `test` from here instead of '@playwright/test'.
 *
 * A full page load (page.goto, a reload, a form posted before or without enhancement) serves
 * server-rendered HTML that Svelte then hydrates. Text typed, or a box ticked, before hydration
 * is lost or not seen by the page's state: a filled input comes back empty, a counter says 1 when
 * two boxes are ticked. On a loaded CI machine that window is seconds long, and it was the cause of
 * every e2e flake we have seen (courses, 考试点, 督办).
 *
 * The root layout marks `<html data-hydrated>` once it has mounted (after every child). Here each
 * locator action and keyboard press first waits for that mark on the page's current document; on
 * documents that are not the app's (a PDF, an API response) it does not wait. An action on an
 * already hydrated page costs one round trip.
 */
import { test as base, type Page } from '@playwright/test';

export * from '@playwright/test';

const PATCHED = Symbol.for('anxun.e2e.hydration-wait');

/** Whether the current document is the app's and has hydrated (or is not the app's at all). */
function hydratedOrForeign() {
	return document.documentElement.hasAttribute('data-hydrated') || !document.body?.hasAttribute('data-sveltekit-preload-data');
}

/** Pages whose journeys type before hydration on purpose (scripts held back): no waiting there. */
const unhydratedOnPurpose = new WeakSet<Page>();

/**
 * For a journey that holds the app's scripts back to type before hydration: actions on `page` stop
 * waiting for hydration until `expectHydration(page)` (otherwise they would wait for scripts that
 * the journey itself is holding).
 */
export function typeBeforeHydration(page: Page) {
	unhydratedOnPurpose.add(page);
}

export function expectHydration(page: Page) {
	unhydratedOnPurpose.delete(page);
}

export async function waitForHydration(page: Page) {
	if (unhydratedOnPurpose.has(page)) return;
	await page.waitForFunction(hydratedOrForeign, undefined, { timeout: 30_000, polling: 100 });
}

type Method = (this: unknown, ...args: unknown[]) => Promise<unknown>;

function wrap(proto: Record<string, unknown>, names: string[], pageOf: (self: unknown) => Page) {
	for (const name of names) {
		const original = proto[name] as Method | undefined;
		if (typeof original !== 'function') continue;
		proto[name] = async function (this: unknown, ...args: unknown[]) {
			await waitForHydration(pageOf(this));
			return original.apply(this, args);
		};
	}
}

export const test = base.extend<object, { hydrationWait: void }>({
	hydrationWait: [
		async ({ browser }, use) => {
			const context = await browser.newContext();
			const page = await context.newPage();
			const locatorProto = Object.getPrototypeOf(page.locator('html')) as Record<string | symbol, unknown>;
			const keyboardProto = Object.getPrototypeOf(page.keyboard) as Record<string | symbol, unknown>;
			if (!locatorProto[PATCHED]) {
				locatorProto[PATCHED] = true;
				wrap(
					locatorProto,
					['click', 'dblclick', 'tap', 'fill', 'clear', 'check', 'uncheck', 'setChecked', 'selectOption', 'setInputFiles', 'press', 'pressSequentially', 'type', 'focus'],
					(self) => (self as { page(): Page }).page()
				);
			}
			if (!keyboardProto[PATCHED]) {
				keyboardProto[PATCHED] = true;
				// The keyboard object keeps its page in `_page` (playwright-core's client Keyboard).
				wrap(keyboardProto, ['press', 'type', 'insertText'], (self) => (self as { _page: Page })._page);
			}
			await context.close();
			await use();
		},
		{ scope: 'worker', auto: true }
	]
});
