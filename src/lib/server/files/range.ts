// HTTP byte ranges (RFC 9110 §14) for one stored file: what to answer, before reading anything.

export type RangePlan =
	| { status: 200; start: number; end: number; length: number }
	| { status: 206; start: number; end: number; length: number; contentRange: string }
	| { status: 304 }
	| { status: 416; contentRange: string };

export type RangeRequest = { range: string | null; ifRange?: string | null; ifNoneMatch?: string | null };

function full(size: number): RangePlan {
	return { status: 200, start: 0, end: size - 1, length: size };
}

function etagMatches(header: string, etag: string): boolean {
	if (header.trim() === '*') return true;
	return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`. A header we cannot read, or one asking
 * for several ranges, is ignored and the whole file is sent (the RFC allows both).
 */
export function planRange(size: number, etag: string, req: RangeRequest): RangePlan {
	if (req.ifNoneMatch && etagMatches(req.ifNoneMatch, etag)) return { status: 304 };
	const header = req.range?.trim();
	if (!header) return full(size);
	// If-Range: the client's copy is another version, so a piece of this one would not fit it.
	if (req.ifRange && req.ifRange.trim() !== etag) return full(size);
	const m = /^bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
	if (!m || (m[1] === '' && m[2] === '')) return full(size);
	const unsatisfiable: RangePlan = { status: 416, contentRange: `bytes */${size}` };
	let start: number;
	let end: number;
	if (m[1] === '') {
		const suffix = Number(m[2]);
		if (suffix === 0 || size === 0) return unsatisfiable;
		start = Math.max(0, size - suffix);
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
		if (m[2] !== '' && Number(m[2]) < start) return full(size); // invalid: ignore it
		if (start >= size) return unsatisfiable;
	}
	return { status: 206, start, end, length: end - start + 1, contentRange: `bytes ${start}-${end}/${size}` };
}
