import { error } from '@sveltejs/kit';
import { tooLargeMessage } from './body-limit.ts';

// Bad input answered as such (400/404/413) before it can reach a query: control characters,
// malformed multipart and JSON, over-long bodies. Used by src/hooks.server.ts for every request.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Control characters in a URL part (path parameter or query string): never legitimate. */
export function hasControlCharacters(value: string): boolean {
	return CONTROL.test(value);
}

/** Control characters in a form field or JSON string; tab and line breaks are text. */
export function hasControlCharactersInText(value: string): boolean {
	return CONTROL_EXCEPT_LINES.test(value);
}

/** A field name fit for a message (it is client input too). */
function fieldLabel(name: string): string {
	const clean = [...name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')].slice(0, 40).join(''); // eslint-disable-line no-control-regex
	return clean || '（无名）';
}

/** The first query parameter or route parameter holding a control character, as a message. */
export function controlCharacterProblem(url: URL, params: Record<string, string>): string | null {
	for (const [name, value] of url.searchParams) {
		if (hasControlCharacters(name) || hasControlCharacters(value)) return `查询参数“${fieldLabel(name)}”含有不允许的控制字符`;
	}
	for (const [name, value] of Object.entries(params)) {
		if (hasControlCharacters(value)) return `地址中的“${name}”含有不允许的控制字符`;
	}
	return null;
}

const ID_PARAM = /^(id|[a-z]+Id)$/;

/** Route parameters that name a record id (`[id]`, `[sessionId]` …) are canonical ids or the page does not exist. */
export function isIdParamName(name: string): boolean {
	return ID_PARAM.test(name);
}

function throwHttp(status: number, message: string): never {
	error(status, message);
}

/** An HttpError value (to put into a stream) rather than a throw. */
function httpError(status: number, message: string): unknown {
	try {
		throwHttp(status, message);
	} catch (e) {
		return e;
	}
}

function checkJsonStrings(value: unknown, path: string, depth = 0): void {
	if (depth > 64) throwHttp(400, '请求内容嵌套过深');
	if (typeof value === 'string') {
		if (hasControlCharactersInText(value)) throwHttp(400, `请求内容的“${path || '（根）'}”含有不允许的控制字符`);
	} else if (Array.isArray(value)) {
		value.forEach((v, i) => checkJsonStrings(v, `${path}[${i}]`, depth + 1));
	} else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (hasControlCharactersInText(k)) throwHttp(400, '请求内容的字段名含有不允许的控制字符');
			checkJsonStrings(v, path ? `${path}.${fieldLabel(k)}` : fieldLabel(k), depth + 1);
		}
	}
}

/** The path of the first string in a parsed JSON body holding a control character, as a message. */
export function jsonControlCharacterProblem(value: unknown): string | null {
	try {
		checkJsonStrings(value, '');
		return null;
	} catch (e) {
		return (e as { body?: { message?: string } }).body?.message ?? '请求内容含有不允许的控制字符';
	}
}

export type BodyState = { limit: number; exceeded: boolean };

/**
 * The request as routes see it: its body counts bytes and stops at the limit (with a 413, without
 * reading the rest or cancelling the socket, so the answer still reaches the client), and
 * formData()/json() turn malformed bodies and control characters into 400s naming the field.
 */
class GuardedRequest extends Request {
	readonly #state: BodyState;
	constructor(input: Request, init: RequestInit & { duplex?: 'half' }, state: BodyState) {
		super(input.url, init);
		this.#state = state;
	}

	#failure(e: unknown, malformed: string): never {
		if (this.#state.exceeded) throwHttp(413, tooLargeMessage(this.#state.limit));
		if (e && typeof e === 'object' && 'status' in e && 'body' in e) throw e; // already an HttpError
		throwHttp(400, malformed);
	}

	override async formData(): Promise<FormData> {
		let form: FormData;
		try {
			form = await super.formData();
		} catch (e) {
			this.#failure(e, '表单数据格式不正确，请刷新页面后重新提交');
		}
		for (const [name, value] of form) {
			if (hasControlCharactersInText(name) || (typeof value === 'string' && hasControlCharactersInText(value))) {
				throwHttp(400, `表单字段“${fieldLabel(name)}”含有不允许的控制字符`);
			}
		}
		return form;
	}

	override async json(): Promise<unknown> {
		let body: unknown;
		try {
			body = await super.json();
		} catch (e) {
			this.#failure(e, '请求内容须为有效的 JSON');
		}
		checkJsonStrings(body, '');
		return body;
	}

	override async text(): Promise<string> {
		try {
			return await super.text();
		} catch (e) {
			this.#failure(e, '请求内容无法读取');
		}
	}

	override async arrayBuffer(): Promise<ArrayBuffer> {
		try {
			return await super.arrayBuffer();
		} catch (e) {
			this.#failure(e, '请求内容无法读取');
		}
	}
}

/**
 * A chunked body read up to `limit` bytes: the bytes, or 'too-large' as soon as it passes the
 * limit (the rest is not read). Only for small limits, where holding the body costs nothing.
 */
export async function readBodyUpTo(request: Request, limit: number): Promise<Uint8Array | 'too-large' | 'broken'> {
	if (!request.body) return new Uint8Array(0);
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) return 'too-large';
			chunks.push(value);
		}
	} catch {
		return 'broken';
	}
	return Buffer.concat(chunks);
}

/** Wraps the request so its body stops at `limit` bytes and its parsers answer bad input with 4xx. */
export function guardRequest(request: Request, limit: number, state: BodyState = { limit, exceeded: false }): Request {
	const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, signal: request.signal };
	const source = request.body;
	if (source) {
		const reader = source.getReader();
		let size = 0;
		init.body = new ReadableStream<Uint8Array>(
			{
				async pull(controller) {
					let chunk: ReadableStreamReadResult<Uint8Array>;
					try {
						chunk = await reader.read();
					} catch {
						controller.error(httpError(400, '请求内容未完整收到'));
						return;
					}
					if (chunk.done) return controller.close();
					size += chunk.value.byteLength;
					if (size > limit) {
						// Not reader.cancel(): that destroys the socket before the 413 is written.
						state.exceeded = true;
						controller.error(httpError(413, tooLargeMessage(limit)));
						return;
					}
					controller.enqueue(chunk.value);
				},
				cancel(reason) {
					return reader.cancel(reason);
				}
			},
			{ highWaterMark: 0 }
		);
		init.duplex = 'half';
	}
	return new GuardedRequest(request, init, state);
}
