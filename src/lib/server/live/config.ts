import type { LiveConfig } from './attendance.ts';
import type { StudyConfig } from '../study/credit.ts';

/** Where the streaming server is; null when none is configured ("直播服务未配置"). */
export type LiveServerConfig = {
	/** shown to the lecturer: rtmp://host:port/live */
	rtmpUrl: string;
	/** the HLS and replay origin: http://host:port (…/hls/<name>.m3u8, …/rec/<file>.mp4) */
	playUrl: string;
	/** the streaming server's callbacks carry it; anything else calling them is refused */
	callbackSecret: string;
	/** where nginx-rtmp writes recordings; Anxun remuxes them to .mp4 replays there */
	recordDir: string | null;
};

export function liveServerConfigFromEnv(env: Record<string, string | undefined>): LiveServerConfig | null {
	const rtmpUrl = env.ANXUN_LIVE_RTMP_URL?.trim();
	const playUrl = env.ANXUN_LIVE_PLAY_URL?.trim();
	const callbackSecret = env.ANXUN_LIVE_CALLBACK_SECRET?.trim();
	if (!rtmpUrl || !playUrl || !callbackSecret || callbackSecret.length < 16) return null;
	return { rtmpUrl: rtmpUrl.replace(/\/+$/, ''), playUrl: playUrl.replace(/\/+$/, ''), callbackSecret, recordDir: env.ANXUN_LIVE_RECORD_DIR?.trim() || null };
}

/** Live beats use the study clock's interval and tolerance, so both pages behave alike. */
export function liveConfigFrom(study: StudyConfig, env: Record<string, string | undefined>): LiveConfig {
	const n = Number(env.ANXUN_LIVE_ROLLCALL_SECONDS);
	return {
		intervalSeconds: study.intervalSeconds,
		toleranceSeconds: study.toleranceSeconds,
		seekToleranceSeconds: study.seekToleranceSeconds,
		rollCallSeconds: Number.isFinite(n) && n > 0 ? n : 60
	};
}
