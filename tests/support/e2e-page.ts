import { expect, type Page } from '@playwright/test';

/** On phones 切换身份 and 退出 sit behind 菜单; on desktop they are in the header already. */
export async function openAccountMenu(page: Page): Promise<void> {
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
	const menu = page.getByRole('button', { name: '菜单' });
	await expect(page.locator('#account-menu')).toBeAttached();
	if (await menu.isVisible()) await menu.click();
}

/** Collects every CSP violation the page reports, from the DOM event and the console. */
export async function watchCsp(page: Page): Promise<string[]> {
	const violations: string[] = [];
	await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			(window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} on ${location.pathname}`);
		});
	});
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
	});
	return violations;
}
