// Paged lists (Pager.svelte): how many pages a list fills, and a requested page kept inside them.

/** Pages that `total` rows fill at `size` a page; at least one, so an empty list is page 1 of 1. */
export function pageCount(total: number, size: number): number {
	return Math.max(1, Math.ceil(total / size));
}

/** `page` brought inside 1..pageCount(total, size). */
export function clampPage(page: number, total: number, size: number): number {
	return Math.min(Math.max(1, page), pageCount(total, size));
}
