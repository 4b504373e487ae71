// 学时 arithmetic. Credited seconds count up to each lesson's length only; hours are shown
// rounded down to 0.1 so that a display never claims time that was not studied.
export function toXueshi(creditedSeconds: number, xueshiMinutes: number): number {
	return Math.floor((creditedSeconds / (xueshiMinutes * 60)) * 10 + 1e-9) / 10;
}

export function formatXueshi(hours: number): string {
	return `${hours.toFixed(1).replace(/\.0$/, '')} 学时`;
}
