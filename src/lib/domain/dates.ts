// Calendar dates are China Standard Time (UTC+8, no daylight saving) for every user.
export function shanghaiDate(at: Date): string {
	return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Date and minute in Beijing time (UTC+8) whatever the server's TZ: the one format for times shown to people. */
export function formatDateTime(at: Date | string): string {
	const d = new Date(new Date(at).getTime() + 8 * 3600_000).toISOString();
	return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

/** 45:00 style minutes:seconds (hours added past 60 minutes). */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const r = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** ISO 8601 with the +08:00 offset: Beijing time for machine-readable public answers (/api/verify). */
export function beijingIso(at: Date | string): string {
	return new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}
