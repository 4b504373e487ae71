import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
	it('renders headings, lists, emphasis and tables', () => {
		const html = renderMarkdown('# 第一节\n\n- **安全**第一\n- 预防为主\n\n| 项 | 值 |\n|---|---|\n| 学时 | 12 |\n');
		expect(html).toContain('<h1>第一节</h1>');
		expect(html).toContain('<li><strong>安全</strong>第一</li>');
		expect(html).toContain('<td>学时</td>');
	});

	it('escapes a <script> element instead of emitting it', () => {
		const html = renderMarkdown('前文\n\n<script>alert(1)</script>\n\n后文 <script>alert(2)</script>');
		expect(html).not.toMatch(/<script/i);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
	});

	it('escapes raw <img onerror> so no attribute reaches the page', () => {
		const html = renderMarkdown('<img src=x onerror=alert(1)>\n\n文字 <img src=x onerror="alert(2)">');
		expect(html).not.toMatch(/<img/i);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
	});

	it('refuses javascript:, vbscript: and data:text links', () => {
		for (const src of ['[x](javascript:alert(1))', '[x](JAVASCRIPT:alert(1))', '[x](  javascript:alert(1))', '[x](vbscript:msgbox(1))', '[x](data:text/html;base64,PHNjcmlwdD4=)', '<javascript:alert(1)>', '![x](javascript:alert(1))']) {
			const html = renderMarkdown(src);
			expect(html, src).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
			expect(html, src).not.toMatch(/src="\s*javascript:/i);
			expect(html, src).not.toMatch(/<a /);
		}
	});

	it('opens ordinary and linkified links in a new tab without an opener', () => {
		const html = renderMarkdown('[应急管理部](https://www.mem.gov.cn/) 与 https://example.com/a');
		expect(html).toContain('<a href="https://www.mem.gov.cn/" target="_blank" rel="noopener noreferrer">应急管理部</a>');
		expect(html).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">https://example.com/a</a>');
	});

	it('escapes attribute breakouts in link titles and urls', () => {
		const html = renderMarkdown('[x](https://a.example/"onmouseover="alert(1) "t" onclick="x")');
		// no tag gains an event-handler attribute; the quotes stay inside the href or become text
		expect(html).not.toMatch(/<[^>]*\son\w+=/i);
		expect(html).toContain('&quot;');
	});
});
