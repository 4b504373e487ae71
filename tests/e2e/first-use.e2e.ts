// What first-time users trip over: every download link works when clicked, search boxes keep what was typed
// before the page finished starting, every page has one server-rendered title, data tables fit a desktop,
// the phone header stays small and an exam attempt has no account menu.
// Office roles are tried on a 1366×900 desktop, learners on a Pixel 7 (the two Playwright projects).
import { expect, expectHydration, test, typeBeforeHydration, type Page, type TestInfo } from './fixtures.ts';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const PASSWORD = 'Anxun@2026';
const OFFICE_ROLES = [
	{ account: '13800000001', role: '平台管理员' },
	{ account: '13800000002', role: '监管部门（市）' },
	{ account: '13800000003', role: '监管部门（区）' },
	{ account: '13800000004', role: '培训机构管理员' },
	{ account: '13800000005', role: '考评员' },
	{ account: '13800000006', role: '企业管理员' }
];
const LEARNER = '13800000007';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login/);
}

function desktopOnly(info: TestInfo) {
	test.skip(info.project.name !== 'desktop', 'office roles are tried on a desktop');
}
function phoneOnly(info: TestInfo) {
	test.skip(info.project.name !== 'mobile', 'learners are tried on a phone');
}

/** Every path served by a +server.ts route, as a pattern: a link to one of these is a file, not a page. */
function serverRoutePatterns(): RegExp[] {
	const root = join(process.cwd(), 'src', 'routes');
	const out: RegExp[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name === '+server.ts') {
				const route = relative(root, dir).split(sep).filter((s) => s && !/^\(.*\)$/.test(s));
				if (route[0] === 'api' || route[0] === 'healthz') continue;
				const re = route.map((s) => s.replace(/\[[^\]]+\]/g, '[^/]+').replace(/\./g, '\\.')).join('/');
				out.push(new RegExp(`^/${re}$`));
			}
		}
	};
	walk(root);
	return out;
}
const SERVER_ROUTES = serverRoutePatterns();
const isFileRoute = (pathname: string) => SERVER_ROUTES.some((r) => r.test(pathname));

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
/** One page per route shape: ids and query strings do not make a new kind of page. */
const shapeOf = (u: URL) => u.pathname.replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/[A-Z]{2}-[\w-]+$/, '/:cert');
// Pages a crawl must not open: starting study or an exam writes history other journeys count on;
// opening a message marks it read, which the message-centre journey counts on.
const NOT_CRAWLED = [/^\/messages\/\d+/, /\/lessons\/\d+/, /\/attempts\/\d+$/, /^\/logout/, /\/preview\//, /^\/learner\/practice/, /^\/learner\/wrong-answers/];

type Crawl = { pages: { url: string; titles: string[]; hasIcon: boolean }[]; downloads: { page: string; href: string }[] };

/** Walks the pages a role can reach by links from its home page (server-rendered HTML, no JavaScript run). */
async function crawl(page: Page, limit = 40): Promise<Crawl> {
	const origin = new URL(page.url()).origin;
	const queue = [new URL(page.url()).pathname];
	const seenShapes = new Set<string>();
	const seenDownloads = new Set<string>();
	const result: Crawl = { pages: [], downloads: [] };
	while (queue.length > 0 && result.pages.length < limit) {
		const path = queue.shift()!;
		const res = await page.request.get(path, { maxRedirects: 5 });
		if (!res.ok() || !(res.headers()['content-type'] ?? '').includes('text/html')) continue;
		const html = await res.text();
		const here = new URL(res.url());
		result.pages.push({
			url: here.pathname + here.search,
			titles: [...html.matchAll(/<title>([\s\S]*?)<\/title>/g)].map((m) => decode(m[1]!)),
			hasIcon: /<link rel="icon" href="[^"]*favicon\.svg"/.test(html)
		});
		for (const m of html.matchAll(/<a\b([^>]*)>/g)) {
			const attrs = m[1]!;
			const href = /\shref="([^"]*)"/.exec(attrs)?.[1];
			if (!href || href.startsWith('#') || href.startsWith('mailto:')) continue;
			const target = new URL(decode(href), here);
			if (target.origin !== origin) continue;
			if (/\sdownload(=|\s|$)/.test(attrs) || isFileRoute(target.pathname)) {
				const key = shapeOf(target) + '?' + [...target.searchParams.keys()].sort().join('&');
				if (!seenDownloads.has(key)) {
					seenDownloads.add(key);
					result.downloads.push({ page: here.pathname + here.search, href: decode(href) });
				}
				continue;
			}
			const shape = shapeOf(target);
			if (seenShapes.has(shape) || NOT_CRAWLED.some((r) => r.test(target.pathname))) continue;
			seenShapes.add(shape);
			queue.push(target.pathname + target.search);
		}
	}
	return result;
}

const FILE_TYPES: Record<string, RegExp> = {
	pdf: /^application\/pdf/,
	xlsx: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/,
	csv: /^text\/csv/,
	json: /^application\/json/,
	// the offline certificate verifier, linked from /help/verify
	mjs: /^text\/javascript/
};

/** Clicks the link as a person would (after the page has started) and checks a file of the right type arrives. */
async function clickDownload(page: Page, pageUrl: string, href: string) {
	await page.goto(pageUrl);
	await page.waitForLoadState('networkidle');
	const link = page.locator(`a[href="${href.replace(/"/g, '\\"')}"]`).first();
	const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), link.click()]);
	const name = download.suggestedFilename();
	const ext = name.split('.').pop()!.toLowerCase();
	expect(Object.keys(FILE_TYPES), `${href} on ${pageUrl} saved as ${name}`).toContain(ext);
	expect(await download.failure(), `${href} on ${pageUrl}`).toBeNull();
	const res = await page.request.get(href);
	expect(res.status(), `${href}`).toBe(200);
	expect(res.headers()['content-type'] ?? '', `${href} content type`).toMatch(FILE_TYPES[ext]!);
	// The router did not take the file for a page.
	await expect(page.getByRole('heading', { name: '页面不存在' })).toHaveCount(0);
}

async function checkRole(page: Page, account: string) {
	await login(page, account);
	const found = await crawl(page);
	expect(found.pages.length).toBeGreaterThan(0);
	for (const p of found.pages) {
		expect(p.titles, `one <title> on ${p.url}`).toHaveLength(1);
		expect(p.titles[0], `title of ${p.url}`).toMatch(/^\S.* · 安训$/);
		expect(p.hasIcon, `favicon on ${p.url}`).toBe(true);
	}
	for (const d of found.downloads) await clickDownload(page, d.page, d.href);
	return found;
}

for (const { account, role } of OFFICE_ROLES) {
	test(`${role}: every page has one title naming it, and every download link works when clicked`, async ({ page }, info) => {
		desktopOnly(info);
		test.setTimeout(300_000);
		await page.setViewportSize({ width: 1366, height: 900 });
		const found = await checkRole(page, account);
		if (account === '13800000002' || account === '13800000003') {
			expect(found.downloads.map((d) => d.href).join(' ')).toContain('/regulator/coverage/summary');
		}
		if (account === '13800000004') expect(found.downloads.map((d) => d.href).join(' ')).toContain('/institution/banks/template');
		if (account === '13800000006') expect(found.downloads.map((d) => d.href).join(' ')).toContain('/enterprise/staff/template');
	});
}

test('learner: every page has one title naming it, and every download link works when clicked', async ({ page }, info) => {
	phoneOnly(info);
	test.setTimeout(300_000);
	const found = await checkRole(page, LEARNER);
	expect(found.downloads.map((d) => d.href).join(' ')).toContain('/learner/archive/pdf');
});

test('public pages have one title and the favicon', async ({ page }) => {
	for (const path of ['/login', '/activate', '/verify']) {
		const html = await (await page.request.get(path)).text();
		expect([...html.matchAll(/<title>/g)], path).toHaveLength(1);
		expect(html).toMatch(/<title>[^<]+ · 安训<\/title>/);
	}
	const icon = await page.request.get('/favicon.svg');
	expect(icon.status()).toBe(200);
	expect(icon.headers()['content-type']).toMatch(/svg/);
});

/** Holds the app's JavaScript until released, as on a slow phone: the server-rendered form is there, not yet started. */
async function holdScripts(page: Page) {
	let release!: () => void;
	const released = new Promise<void>((r) => (release = r));
	await page.route('**/_app/**', async (route) => {
		await released;
		await route.continue();
	});
	typeBeforeHydration(page);
	return async () => {
		release();
		await page.waitForLoadState('networkidle');
		expectHydration(page);
	};
}

test('a bank search typed before the page has started keeps the text and filters', async ({ page }, info) => {
	desktopOnly(info);
	await login(page, '13800000004');
	await page.goto('/institution/banks/aqsc-law-2021');
	const total = Number((await page.getByTestId('result-count').innerText()).replace(/\D/g, ''));
	expect(total).toBeGreaterThan(0);
	const start = await holdScripts(page);
	await page.goto('/institution/banks/aqsc-law-2021', { waitUntil: 'commit' });
	const box = page.getByLabel('搜索题干、选项、解析');
	await box.fill('第一责任人');
	await start();
	await expect(box).toHaveValue('第一责任人');
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page).toHaveURL(/q=/);
	await expect(box).toHaveValue('第一责任人');
	const count = Number((await page.getByTestId('result-count').innerText()).replace(/\D/g, ''));
	expect(count).toBeGreaterThan(0);
	expect(count).toBeLessThan(total);
});

test('a certificate search typed before the page has started keeps the text and filters', async ({ page }, info) => {
	desktopOnly(info);
	await login(page, '13800000002');
	const start = await holdScripts(page);
	await page.goto('/regulator/certificates', { waitUntil: 'commit' });
	const box = page.getByLabel('编号或姓名');
	await box.fill('查无此人');
	await start();
	await expect(box).toHaveValue('查无此人');
	await page.getByRole('button', { name: '查找' }).click();
	await expect(page).toHaveURL(/q=%E6%9F%A5/);
	await expect(box).toHaveValue('查无此人');
	await expect(page.getByText('没有符合条件的证书。')).toBeVisible();
});

test('the staff search typed before the page has started keeps the text; columns sort on the server', async ({ page }, info) => {
	desktopOnly(info);
	await login(page, '13800000006');
	const start = await holdScripts(page);
	await page.goto('/enterprise/staff', { waitUntil: 'commit' });
	const box = page.getByLabel('姓名', { exact: true });
	await box.fill('查无此人');
	await start();
	await expect(box).toHaveValue('查无此人');
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page.getByText('没有符合条件的人员。')).toBeVisible();
	await expect(box).toHaveValue('查无此人');

	await page.goto('/enterprise/staff');
	await expect(page.getByRole('columnheader', { name: /人员类别/ })).toHaveAttribute('aria-sort', 'ascending');
	await page.getByRole('link', { name: /^姓名/ }).click();
	await expect(page).toHaveURL(/sort=name&dir=asc/);
	await expect(page.getByRole('columnheader', { name: /姓名/ })).toHaveAttribute('aria-sort', 'ascending');
	const names = await page.locator('tbody tr td:nth-child(1)').allInnerTexts();
	expect(names.length).toBeGreaterThan(1);
	expect([...names].sort()).toEqual(names);
	await page.getByRole('link', { name: /^姓名/ }).click();
	await expect(page).toHaveURL(/sort=name&dir=desc/);
	const desc = await page.locator('tbody tr td:nth-child(1)').allInnerTexts();
	expect([...desc].sort().reverse()).toEqual(desc);
	// filtering keeps the chosen order
	await page.getByLabel('人员类别').selectOption({ label: '特种作业人员' });
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page).toHaveURL(/role=special_worker.*sort=name&dir=desc|sort=name&dir=desc.*role=special_worker/);
});

/** Tables on the page that are wider than the box they sit in (clipped or scrolled). */
async function overflowingTables(page: Page) {
	return page.locator('main table').evaluateAll((tables) =>
		tables
			.filter((t) => (t as HTMLElement).offsetParent !== null)
			.map((t) => {
				const box = t.parentElement!;
				return { caption: t.querySelector('caption, th')?.textContent?.trim() ?? '', table: t.scrollWidth, box: box.clientWidth };
			})
			.filter((r) => r.table > r.box + 1)
	);
}

const DATA_PAGES: [string, string][] = [
	['13800000006', '/enterprise/certificates'],
	['13800000002', '/regulator/certificates'],
	['13800000002', '/regulator/audit'],
	['13800000001', '/admin']
];

test('desktop data pages use the width: no table is wider than its box at 1366 px', async ({ page }, info) => {
	desktopOnly(info);
	await page.setViewportSize({ width: 1366, height: 900 });
	let who = '';
	for (const [account, path] of DATA_PAGES) {
		if (account !== who) {
			await page.context().clearCookies();
			await login(page, account);
			who = account;
		}
		await page.goto(path);
		expect(await page.locator('main table').count(), path).toBeGreaterThan(0);
		// the content column uses the screen, not a ~930 px strip in the middle
		expect(await page.locator('main').evaluate((el) => el.clientWidth), path).toBeGreaterThan(1200);
		expect(await overflowingTables(page), path).toEqual([]);
	}
});

test('on a phone data tables scroll inside their own box, never the page', async ({ page }, info) => {
	phoneOnly(info);
	let who = '';
	for (const [account, path] of DATA_PAGES) {
		if (account !== who) {
			await page.context().clearCookies();
			await login(page, account);
			who = account;
		}
		await page.goto(path);
		// Elements sticking out past the screen's right edge that no scroll box of their own contains.
		const sticking = await page.evaluate(() => {
			const width = document.documentElement.clientWidth;
			const inScrollBox = (el: Element) => {
				for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
				return false;
			};
			return [...document.querySelectorAll('main *')]
				.filter((el) => el.getBoundingClientRect().right > width + 1 && !inScrollBox(el))
				.map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().right)}px`)
				.slice(0, 5);
		});
		expect(sticking, `${path} scrolls sideways`).toEqual([]);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), `${path} scrolls sideways`).toBe(true);
		const unboxed = await page.locator('main table').evaluateAll((tables) =>
			tables.filter((t) => t.scrollWidth > t.parentElement!.clientWidth + 1 && getComputedStyle(t.parentElement!).overflowX !== 'auto').length
		);
		expect(unboxed, path).toBe(0);
	}
});

test('the coverage trend chart keeps its labels inside the picture and apart', async ({ page }, info) => {
	desktopOnly(info);
	await login(page, '13800000002');
	await page.goto('/regulator/coverage');
	await page.getByTestId('targets').locator('tbody a').first().click();
	const svg = page.locator('figure.chart svg').first();
	await expect(svg).toBeVisible();
	const { outside, overlaps, labels } = await svg.evaluate((el) => {
		const s = el as SVGSVGElement;
		const vb = s.viewBox.baseVal;
		const boxes = [...s.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', b: (t as SVGTextElement).getBBox() }));
		const outside = boxes.filter(({ b }) => b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5).map((x) => x.text);
		const overlaps: string[] = [];
		for (let i = 0; i < boxes.length; i++)
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i]!.b;
				const c = boxes[j]!.b;
				if (a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height) overlaps.push(`${boxes[i]!.text} / ${boxes[j]!.text}`);
			}
		return { outside, overlaps, labels: boxes.map((x) => x.text) };
	});
	expect(labels.some((l) => l.startsWith('目标'))).toBe(true);
	expect(outside).toEqual([]);
	expect(overlaps).toEqual([]);
});

test('a phone header is slim, with the account links behind 菜单', async ({ page }, info) => {
	phoneOnly(info);
	await login(page, LEARNER);
	const header = page.locator('header.top');
	const h = (await header.boundingBox())!.height;
	expect(h).toBeLessThanOrEqual(page.viewportSize()!.height * 0.15);
	await expect(page.getByRole('button', { name: '退出' })).toBeHidden();
	await page.getByRole('button', { name: '菜单' }).click();
	await expect(page.getByRole('button', { name: '退出' })).toBeVisible();
	await expect(page.getByRole('link', { name: '修改密码' })).toBeVisible();
});

test('success messages are green, warnings stay amber', async ({ page }, info) => {
	desktopOnly(info);
	await login(page, '13800000004');
	await page.goto('/institution/banks/aqsc-law-2021?imported=3');
	const msg = page.getByText('导入完成：新增或更新 3 题。');
	await expect(msg).toBeVisible();
	const colours = await msg.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, fg: getComputedStyle(el).color }));
	const [r, g, b] = colours.bg.match(/\d+/g)!.map(Number);
	expect(g, `success background ${colours.bg}`).toBeGreaterThan(r!);
	expect(g).toBeGreaterThan(b!);
	// dark text on a light background: contrast well above 4.5:1
	const lum = (c: number[]) => {
		const [R, G, B] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
		return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
	};
	const fg = colours.fg.match(/\d+/g)!.map(Number);
	const ratio = (lum([r!, g!, b!]) + 0.05) / (lum(fg) + 0.05);
	expect(ratio).toBeGreaterThan(4.5);
});

test('on a phone a lesson list has no second number and law tables stay readable', async ({ page }, info) => {
	phoneOnly(info);
	await login(page, '13800000004');
	await page.goto('/institution/courses');
	const course = await page.getByRole('link', { name: '主要负责人年度安全生产履职能力提升' }).first().getAttribute('href');
	await page.goto(`${course}/preview`);
	const list = page.locator('ol.lessons').first();
	await expect(list.locator('li').first()).toContainText('第一节');
	// titles say 第一节 themselves, so the list shows no "1." in front
	expect(await list.evaluate((el) => getComputedStyle(el).listStyleType)).toBe('none');
	await list.locator('a').first().click();
	const table = page.locator('.markdown table').first();
	await expect(table).toBeVisible();
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'page scrolls sideways').toBe(true);
	// no cell squeezed to a character or two a line
	const narrowest = await table.locator('td').evaluateAll((cells) => Math.min(...cells.map((c) => c.getBoundingClientRect().width)));
	expect(narrowest).toBeGreaterThanOrEqual(60);
});
