// A person-readable name for the device behind a User-Agent header (/account/sessions).
// Only a rough guess: the header is whatever the client sends.

const BROWSERS: [RegExp, string][] = [
	[/MicroMessenger/i, '微信'],
	[/DingTalk/i, '钉钉'],
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/(OPR|Opera)\//, 'Opera'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/(Chrome|CriOS)\//, 'Chrome'],
	[/Safari\//, 'Safari']
];

const SYSTEMS: [RegExp, string][] = [
	[/HarmonyOS|OpenHarmony/i, '鸿蒙'],
	[/iPhone/, 'iPhone'],
	[/iPad/, 'iPad'],
	[/Android/, 'Android'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'Mac'],
	[/Linux/, 'Linux']
];

export function describeDevice(userAgent: string | null): string {
	if (!userAgent) return '未知设备';
	const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
	const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
	if (!browser && !system) return `其他设备（${userAgent.slice(0, 40)}）`;
	return [browser ?? '浏览器', system].filter(Boolean).join(' · ');
}
