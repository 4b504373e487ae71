import type { Db } from '../db/index.ts';
import { readFileRange } from './files.repository.ts';

/** Bytes read per database round trip while streaming (16 chunks). */
const WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Bytes start..endInclusive of a stored file as a stream, read a window at a time when the
 * client is ready for more, so a 200 MB video never sits in memory and an aborted request
 * stops reading.
 */
export function streamFileRange(db: Db, fileId: number, start: number, endInclusive: number): ReadableStream<Uint8Array> {
	let next = start;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				if (next > endInclusive) {
					controller.close();
					return;
				}
				const last = Math.min(endInclusive, next + WINDOW_BYTES - 1);
				const bytes = await readFileRange(db, fileId, next, last);
				if (bytes.byteLength !== last - next + 1) {
					controller.error(new Error(`file ${fileId}: expected ${last - next + 1} bytes at ${next}, read ${bytes.byteLength}`));
					return;
				}
				next = last + 1;
				controller.enqueue(bytes);
				if (next > endInclusive) controller.close();
			}
		},
		{ highWaterMark: 0 } // read nothing until the client asks (a HEAD request reads nothing)
	);
}
