// The live page's side of attendance. It only reports whether the player really played and the
// page was visible; the server's clock and the stream's up/down record decide what counts
// (src/lib/server/live/attendance.ts).

import type { LiveBeatResult } from '#lib/server/live/live-service.ts';
import { takeFacePhoto } from './face-photo.ts';

type Mode = 'live' | 'replay';
/** The beat's answer (an error answer carries only `message`). */
type BeatResponse = LiveBeatResult & { message?: string };

export class LiveClock {
	liveSeconds = $state(0);
	replaySeconds = $state(0);
	streamUp = $state(false);
	notice = $state<string | null>(null);
	elsewhere = $state<string | null>(null);
	rollCall = $state<{ id: number; secondsLeft: number; face: boolean } | null>(null);
	/** face verification on: this session waits for a matching photo */
	faceCheck = $state(false);
	cameraOn = $state(false);
	stateText = $state('正在连接…');

	#classId: number;
	#mode: Mode;
	#interval: number;
	#tabId = crypto.randomUUID().replaceAll('-', '');
	#played = false;
	#hidden = false;
	#lastBeat = 0;
	#inFlight = false;
	#takeover = false;
	/** replay: how far the counted watching reached (server's figure) */
	#watched = 0;
	// not reactive: only which 点名 this page already answered
	#answered: number[] = [];

	constructor(classId: number, mode: Mode, intervalSeconds: number, start: { liveSeconds: number; replaySeconds: number; watchedSeconds?: number }) {
		this.#classId = classId;
		this.#mode = mode;
		this.#interval = intervalSeconds;
		this.liveSeconds = start.liveSeconds;
		this.replaySeconds = start.replaySeconds;
		this.#watched = start.watchedSeconds ?? 0;
	}

	/**
	 * Replay: as in video lessons, the player cannot skip ahead of what was counted. It resumes
	 * where the counted watching stopped, and a seek past that point goes back there.
	 */
	#guardReplay(video: HTMLVideoElement): () => void {
		let furthest = this.#watched;
		const onTime = () => {
			if (!video.paused && !video.seeking && video.currentTime <= furthest + 2) furthest = Math.max(furthest, video.currentTime);
		};
		const onSeeking = () => {
			const back = Math.max(furthest, this.#watched);
			if (video.currentTime > back + 1) {
				video.currentTime = back;
				this.notice = '回放不能跳过未观看的内容，已退回到您看过的位置。';
			}
		};
		const onLoaded = () => {
			if (this.#watched > 0 && this.#watched < video.duration - 1) video.currentTime = this.#watched;
		};
		video.addEventListener('timeupdate', onTime);
		video.addEventListener('seeking', onSeeking);
		video.addEventListener('loadedmetadata', onLoaded);
		if (video.readyState >= 1) onLoaded();
		return () => {
			video.removeEventListener('timeupdate', onTime);
			video.removeEventListener('seeking', onSeeking);
			video.removeEventListener('loadedmetadata', onLoaded);
		};
	}

	start(getVideo: () => HTMLVideoElement | null): () => void {
		const onVisibility = () => {
			if (document.visibilityState === 'hidden') {
				void this.#beat(getVideo());
				this.#hidden = true;
			} else void this.#beat(getVideo());
		};
		document.addEventListener('visibilitychange', onVisibility);
		const onPageHide = () => {
			const body = JSON.stringify(this.#payload(getVideo(), 'release'));
			navigator.sendBeacon?.(`/api/live/${this.#classId}/heartbeat`, new Blob([body], { type: 'application/json' }));
		};
		window.addEventListener('pagehide', onPageHide);
		const timer = window.setInterval(() => {
			const v = getVideo();
			if (v && !v.paused && !v.ended && v.readyState >= 2) this.#played = true;
			if (this.rollCall && this.rollCall.secondsLeft > 0) this.rollCall = { ...this.rollCall, secondsLeft: this.rollCall.secondsLeft - 1 };
			if (Date.now() - this.#lastBeat >= this.#interval * 1000) void this.#beat(v);
		}, 1000);
		const first = getVideo();
		const unguard = this.#mode === 'replay' && first ? this.#guardReplay(first) : () => {};
		void this.#beat(first);
		return () => {
			unguard();
			window.clearInterval(timer);
			document.removeEventListener('visibilitychange', onVisibility);
			window.removeEventListener('pagehide', onPageHide);
		};
	}

	takeover(getVideo: () => HTMLVideoElement | null): void {
		this.#takeover = true;
		void this.#beat(getVideo());
	}

	#payload(video: HTMLVideoElement | null, intent: 'beat' | 'takeover' | 'release') {
		// playing: the player played during the period and the page stayed visible
		const state = this.#hidden || document.visibilityState !== 'visible' ? 'hidden' : this.#played ? 'playing' : 'paused';
		return {
			tabId: this.#tabId,
			mode: this.#mode,
			state,
			intent,
			position: this.#mode === 'replay' && video ? Math.floor(video.currentTime * 10) / 10 : null
		};
	}

	async #beat(video: HTMLVideoElement | null): Promise<void> {
		if (this.#inFlight) return;
		this.#inFlight = true;
		const intent = this.#takeover ? 'takeover' : 'beat';
		const payload = this.#payload(video, intent);
		this.#lastBeat = Date.now();
		this.#played = !!video && !video.paused && !video.ended;
		this.#hidden = document.visibilityState !== 'visible';
		try {
			const res = await fetch(`/api/live/${this.#classId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
			const body = (await res.json()) as BeatResponse;
			if (!res.ok) {
				this.notice = body.message ?? '听课记录没有送达。';
				return;
			}
			this.#takeover = false;
			this.liveSeconds = body.liveSeconds;
			this.replaySeconds = body.replaySeconds;
			this.#watched = body.watchedSeconds;
			this.streamUp = body.streamUp;
			this.#interval = body.nextBeatSeconds;
			if (body.rollCall && !this.#answered.includes(body.rollCall.id)) this.rollCall = body.rollCall;
			this.faceCheck = body.faceCheck === true;
			if (body.refused?.code === 'another_device' || body.refused?.code === 'studying_elsewhere') {
				this.elsewhere = body.refused.message;
				this.stateText = '本页不计时。';
			} else {
				this.elsewhere = null;
				this.notice = body.refused?.message ?? null;
				// a skip in the replay: back to where the counted watching stopped
				if (body.refused?.code === 'seek_ahead' && video) video.currentTime = body.watchedSeconds;
				this.stateText = body.refused
					? '未计时。'
					: payload.state === 'playing'
						? this.#mode === 'live' && !body.streamUp
							? '直播信号中断，恢复后继续计时。'
							: this.#mode === 'live' && body.rollCall && body.rollCall.secondsLeft > 0
								? '点名中：请点击“我在听课”，按时应答后这段时间才计入学时。'
								: '正在计时。'
						: payload.state === 'hidden'
							? '页面不在前台，已暂停计时。'
							: '播放暂停，已暂停计时。';
			}
		} catch {
			this.notice = '网络中断，听课记录没有送达，恢复后继续。';
		} finally {
			this.#inFlight = false;
		}
	}

	/** A photo for the session's face check, or (rollCall.face) to answer the 点名; matched on the server. */
	async sendFacePhoto(): Promise<void> {
		const rollCallId = this.rollCall?.face ? this.rollCall.id : null;
		const image = await takeFacePhoto((on) => (this.cameraOn = on));
		const payload = image === null ? { tabId: this.#tabId, rollCallId, camera: 'unavailable' } : { tabId: this.#tabId, rollCallId, image };
		try {
			const res = await fetch(`/api/live/${this.#classId}/face`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
			const body = (await res.json()) as { passed?: boolean; message: string };
			this.notice = body.message;
			if (body.passed) {
				this.faceCheck = false;
				if (rollCallId !== null) {
					this.#answered.push(rollCallId);
					this.rollCall = null;
				}
			}
		} catch {
			this.notice = '网络中断，照片没有送达，请稍后再试。';
		}
	}

	async answerRollCall(): Promise<void> {
		if (!this.rollCall) return;
		const id = this.rollCall.id;
		try {
			const res = await fetch(`/api/live/${this.#classId}/rollcall`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rollCallId: id }) });
			const body = (await res.json()) as { ok: boolean; message: string };
			this.notice = body.message;
			if (body.ok) {
				this.#answered.push(id);
				this.rollCall = null;
			}
		} catch {
			this.notice = '网络中断，应答没有送达，请再点一次。';
		}
	}
}
