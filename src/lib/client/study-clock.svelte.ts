// The lesson page's side of study-time accounting. It only reports; the server's clock
// decides what is credited (src/lib/server/study/credit.ts).

import { takeFacePhoto } from './face-photo.ts';

type Progress = { creditedSeconds: number; watchedSeconds: number; reachedEnd: boolean; completed: boolean };
type Options = {
	enrolmentId: number;
	lessonId: number;
	kind: 'text' | 'video' | 'pdf';
	intervalSeconds: number;
	progress: Progress;
};
type BeatState = 'active' | 'idle' | 'hidden';
type BeatIntent = 'beat' | 'takeover' | 'release';
type BeatResponse = {
	refused: { code: string; message: string } | null;
	lessonCreditedSeconds: number;
	watchedSeconds: number;
	reachedEnd: boolean;
	lessonCompleted: boolean;
	courseCompleted: boolean;
	check: { id: number; secondsLeft: number; kind?: 'attention' | 'face' } | null;
	holder: { courseTitle: string; lessonNumber: number; startedAt: string } | null;
	nextBeatSeconds: number;
	message?: string;
};

/** Reading without touching anything for this long counts as idle (text and PDF lessons). */
const IDLE_AFTER_MS = 5 * 60_000;

export class StudyClock {
	credited = $state(0);
	completed = $state(false);
	notice = $state<string | null>(null);
	check = $state<{ id: number; secondsLeft: number; kind?: 'attention' | 'face' } | null>(null);
	/** a face check is taking a photo (the camera is on) */
	cameraOn = $state(false);
	stateText = $state('正在连接…');
	/** another page holds the learner's lease: what the server said, shown with "在此页面学习" */
	elsewhere = $state<string | null>(null);

	#options: () => Options;
	#tabId = crypto.randomUUID();
	#watched = 0;
	#hiddenSincePeriodStart = false;
	#playedSincePeriodStart = false;
	#lastActivity = Date.now();
	#lastBeat = 0;
	#interval = 30;
	#inFlight = false;
	#counting = false;
	#stopped = false;
	#takeoverRequested = false;
	/** a notice from this page's own video guard stays until replaced; server notices clear on the next counted beat */
	#ownNotice = false;

	constructor(options: () => Options) {
		this.#options = options;
		const o = options();
		this.credited = o.progress.creditedSeconds;
		this.completed = o.progress.completed;
		this.#watched = o.progress.watchedSeconds;
		this.#interval = o.intervalSeconds;
	}

	/** Starts beating; returns the cleanup for onMount. */
	start(getVideo: () => HTMLVideoElement | undefined): () => void {
		const o = this.#options();
		const activity = () => (this.#lastActivity = Date.now());
		const events = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'touchstart', 'wheel'] as const;
		for (const e of events) window.addEventListener(e, activity, { passive: true });

		const onVisibility = () => {
			if (document.visibilityState === 'hidden') {
				// the time up to now was visible: report it, then stop until the page is back
				void this.#beat(this.#periodState(getVideo()));
				this.#hiddenSincePeriodStart = true;
			} else {
				void this.#beat(this.#periodState(getVideo()));
			}
		};
		document.addEventListener('visibilitychange', onVisibility);
		// closing or reloading gives the lease up, so the next page starts counting at once
		const onPageHide = () => this.#beacon(this.#periodState(getVideo()), 'release');
		window.addEventListener('pagehide', onPageHide);

		const detachVideo = o.kind === 'video' ? this.#attachVideo(getVideo) : () => {};

		const timer = window.setInterval(() => {
			if (this.check && this.check.secondsLeft > 0) this.check = { ...this.check, secondsLeft: this.check.secondsLeft - 1 };
			if (document.visibilityState !== 'visible') {
				this.stateText = '页面不在前台，已暂停计时。';
				return;
			}
			if (Date.now() - this.#lastBeat >= this.#interval * 1000) void this.#beat(this.#periodState(getVideo()));
		}, 1000);
		void this.#beat('active');

		return () => {
			window.clearInterval(timer);
			for (const e of events) window.removeEventListener(e, activity);
			document.removeEventListener('visibilitychange', onVisibility);
			window.removeEventListener('pagehide', onPageHide);
			detachVideo();
		};
	}

	/** "在此页面学习": moves the learner's lease to this page (the other page stops counting). */
	takeover(): void {
		this.#takeoverRequested = true;
		void this.#beat('active');
	}

	/**
	 * Face check: one frame from the front camera, sent as JPEG to the server, which matches it
	 * against the learner's reference photo. No camera: reported as such (not credited).
	 */
	async answerFaceCheck(): Promise<void> {
		if (!this.check) return;
		const id = this.check.id;
		const image = await takeFacePhoto((on) => (this.cameraOn = on));
		const payload = image === null ? { checkId: id, tabId: this.#tabId, camera: 'unavailable' } : { checkId: id, tabId: this.#tabId, image };
		try {
			const res = await fetch('/api/study/face', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
			const body = (await res.json()) as { passed?: boolean; message: string };
			this.notice = body.message;
			this.#ownNotice = false;
			if (body.passed) this.check = null;
		} catch {
			this.notice = '网络中断，照片没有送达，请稍后再试。';
		}
	}

	async answerCheck(): Promise<void> {
		if (!this.check) return;
		const id = this.check.id;
		try {
			const res = await fetch('/api/study/check', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ checkId: id })
			});
			const body = (await res.json()) as { ok: boolean; message: string };
			this.notice = body.message;
			this.#ownNotice = false;
			if (body.ok) this.check = null;
		} catch {
			this.notice = '网络中断，确认没有送达，请稍后再点一次。';
		}
	}

	#attachVideo(getVideo: () => HTMLVideoElement | undefined): () => void {
		const video = getVideo();
		if (!video) return () => {};
		let furthest = this.#watched;
		const onTime = () => {
			if (!video.paused && !video.seeking) {
				this.#playedSincePeriodStart = true;
				if (video.currentTime <= furthest + 2) furthest = Math.max(furthest, video.currentTime);
			}
		};
		const onSeeking = () => {
			const limit = Math.max(furthest, this.#watched) + 1;
			if (video.currentTime > limit) {
				video.currentTime = Math.max(furthest, this.#watched);
				this.notice = '不能跳过未观看的内容，已退回到您看过的位置。';
				this.#ownNotice = true;
			}
		};
		const onRate = () => {
			if (video.playbackRate > 1) {
				video.playbackRate = 1;
				this.notice = '倍速播放不计学时，已恢复正常速度。';
				this.#ownNotice = true;
			}
		};
		const onEnded = () => void this.#beat('active');
		const onLoaded = () => {
			if (this.#watched > 0 && this.#watched < video.duration - 1) video.currentTime = this.#watched;
		};
		video.addEventListener('timeupdate', onTime);
		video.addEventListener('seeking', onSeeking);
		video.addEventListener('ratechange', onRate);
		video.addEventListener('ended', onEnded);
		video.addEventListener('loadedmetadata', onLoaded);
		return () => {
			video.removeEventListener('timeupdate', onTime);
			video.removeEventListener('seeking', onSeeking);
			video.removeEventListener('ratechange', onRate);
			video.removeEventListener('ended', onEnded);
			video.removeEventListener('loadedmetadata', onLoaded);
		};
	}

	#periodState(video: HTMLVideoElement | undefined): BeatState {
		if (this.#hiddenSincePeriodStart) return 'hidden';
		if (this.#options().kind === 'video') return this.#playedSincePeriodStart || (video && !video.paused) ? 'active' : 'idle';
		return Date.now() - this.#lastActivity < IDLE_AFTER_MS ? 'active' : 'idle';
	}

	#payload(state: BeatState, intent: BeatIntent) {
		const o = this.#options();
		const video = o.kind === 'video' ? document.querySelector('video') : null;
		return {
			enrolmentId: o.enrolmentId,
			lessonId: o.lessonId,
			tabId: this.#tabId,
			state,
			intent,
			position: video ? Math.round(video.currentTime * 100) / 100 : null,
			rate: video ? video.playbackRate : null
		};
	}

	#startPeriod() {
		this.#lastBeat = Date.now();
		this.#hiddenSincePeriodStart = document.visibilityState === 'hidden';
		this.#playedSincePeriodStart = false;
	}

	#beacon(state: BeatState, intent: BeatIntent) {
		const body = new Blob([JSON.stringify(this.#payload(state, intent))], { type: 'application/json' });
		navigator.sendBeacon('/api/study/heartbeat', body);
	}

	async #beat(state: BeatState): Promise<void> {
		if (this.#inFlight) return;
		this.#inFlight = true;
		const payload = this.#payload(state, this.#takeoverRequested ? 'takeover' : 'beat');
		this.#takeoverRequested = false;
		this.#startPeriod();
		try {
			const res = await fetch('/api/study/heartbeat', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(payload)
			});
			const body = (await res.json()) as BeatResponse;
			if (!res.ok && !body.refused) {
				this.notice = body.message ?? '学习记录没有保存，请刷新页面。';
				this.stateText = '未计时。';
				return;
			}
			this.#apply(body);
		} catch {
			this.stateText = '网络中断，未计时；网络恢复后自动继续。';
		} finally {
			this.#inFlight = false;
			// "在此页面学习" pressed while a beat was on its way: send it now
			if (this.#takeoverRequested) void this.#beat('active');
		}
	}

	#apply(body: BeatResponse) {
		this.#interval = body.nextBeatSeconds || this.#interval;
		// the server knows the session's open check; a check of an ended session is gone
		this.check = body.check;
		if (body.refused?.code === 'another_tab') {
			// once this page has counted, it keeps saying that it stopped until it counts again
			this.#stopped ||= this.#counting;
			this.elsewhere = this.#stopped ? `本页已停止计时。${body.refused.message}` : body.refused.message;
			this.#counting = false;
			this.notice = null;
			this.stateText = '未计时：正在另一个页面计时。';
			return;
		}
		this.elsewhere = null;
		if (body.refused) {
			this.notice = body.refused.message;
			this.#ownNotice = false;
			this.stateText = '未计时。';
			if (body.refused.code === 'seek_ahead') {
				const video = document.querySelector('video');
				if (video) video.currentTime = body.watchedSeconds;
			}
			return;
		}
		if (!this.#ownNotice) this.notice = null;
		this.credited = body.lessonCreditedSeconds;
		this.#watched = body.watchedSeconds;
		this.completed = body.lessonCompleted;
		this.#counting = true;
		this.#stopped = false;
		// a pending face check pauses crediting on the server until a photo matches
		this.stateText = body.check?.kind === 'face' ? '暂停计时：人脸核验通过前不计学时。' : '计时中：页面在前台且您在学习时计时。';
	}
}
