import MarkdownIt from 'markdown-it';

// Lesson text is written by institution staff and read by every learner: raw HTML is escaped
// (html: false) and markdown-it's validateLink refuses javascript:, vbscript:, file: and
// non-image data: URLs. Do not turn html on or replace validateLink.
const md = new MarkdownIt({ html: false, linkify: true });

const renderToken: NonNullable<typeof md.renderer.rules.link_open> = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);
const linkOpen = md.renderer.rules.link_open ?? renderToken;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
	// links leave the lesson in a new tab, without giving that page a handle on ours
	tokens[idx]!.attrSet('target', '_blank');
	tokens[idx]!.attrSet('rel', 'noopener noreferrer');
	return linkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
	return md.render(source);
}
