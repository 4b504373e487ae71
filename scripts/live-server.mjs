// The streaming server for 直播培训: Debian's nginx with the RTMP module (libnginx-mod-rtmp),
// started as an unprivileged process with its own prefix in a temporary directory.
//   RTMP ingest  rtmp://HOST:RTMP_PORT/live/<name>?key=<key>  (the lecturer's OBS or ffmpeg)
//   HLS          http://HOST:HTTP_PORT/hls/<playback name>.m3u8  (viewers; static files)
//   recordings   http://HOST:HTTP_PORT/rec/<file>.mp4     (replays, remuxed by Anxun)
// The lecturer publishes to rtmp://HOST:RTMP_PORT/live/<playback name>?key=<stream key>; every
// publish is checked by Anxun (on_publish → /api/live/rtmp/publish), and a wrong or expired key is
// refused. The stream name (the class's secret playback name) names the HLS files; the key is a
// query argument, so the HLS address viewers get never reveals it. (A 3xx rename from on_publish
// renames the recording but not the HLS files in nginx-rtmp 1.2.2: measured, so not used.)
//
// CLI:  node scripts/live-server.mjs [--anxun http://127.0.0.1:3000]
// prints the ANXUN_LIVE_* variables to start Anxun with, and runs until interrupted.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const NGINX = process.env.ANXUN_NGINX_BIN || '/usr/sbin/nginx';
const RTMP_MODULE = process.env.ANXUN_NGINX_RTMP_MODULE || '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export function liveServerAvailable() {
	return existsSync(NGINX) && existsSync(RTMP_MODULE);
}

/** The nginx.conf for one streaming server. Pure: every path and port is an argument. */
export function nginxConf({ dir, rtmpPort, httpPort, anxunUrl, secret, host = '127.0.0.1' }) {
	// nginx-rtmp appends "?args" to the callback URL as given, so the secret is a path segment
	const cb = (path) => `${anxunUrl}/api/live/rtmp/${secret}/${path}`;
	return `load_module ${RTMP_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }

rtmp {
	access_log off;
	server {
		listen ${host}:${rtmpPort};
		chunk_size 4096;
		notify_method get;
		application live {
			live on;
			# nobody plays RTMP directly: viewers get HLS
			deny play all;
			on_publish ${cb('publish')};
			on_publish_done ${cb('publish-done')};
			on_record_done ${cb('record-done')};
			hls on;
			hls_path ${dir}/hls;
			hls_fragment 2s;
			hls_playlist_length 12s;
			hls_cleanup on;
			record all;
			record_path ${dir}/rec;
			record_unique on;
		}
	}
}

http {
	access_log off;
	client_body_temp_path ${dir}/tmp/body;
	proxy_temp_path ${dir}/tmp/proxy;
	fastcgi_temp_path ${dir}/tmp/fastcgi;
	uwsgi_temp_path ${dir}/tmp/uwsgi;
	scgi_temp_path ${dir}/tmp/scgi;
	sendfile on;
	types {
		application/vnd.apple.mpegurl m3u8;
		video/mp2t ts;
		video/mp4 mp4;
	}
	default_type application/octet-stream;
	server {
		listen ${host}:${httpPort};
		add_header Access-Control-Allow-Origin * always;
		# a playlist is served only with an address Anxun signed for someone in the audience
		location ~ ^/hls/[A-Za-z0-9_-]+\\.m3u8$ {
			auth_request /_anxun_play;
			root ${dir};
			add_header Cache-Control no-cache;
			add_header Access-Control-Allow-Origin * always;
		}
		# segments: static files, named only in a signed playlist, deleted by hls_cleanup
		location ~ ^/hls/[A-Za-z0-9_-]+\\.ts$ {
			root ${dir};
			add_header Access-Control-Allow-Origin * always;
		}
		# only the remuxed .mp4 replays are served (signed addresses), never the raw .flv recordings
		location ~ ^/rec/[A-Za-z0-9_-]+\\.mp4$ {
			auth_request /_anxun_play;
			root ${dir};
			add_header Access-Control-Allow-Origin * always;
		}
		location = /_anxun_play {
			internal;
			proxy_pass ${cb('play')};
			proxy_pass_request_body off;
			proxy_set_header Content-Length "";
			proxy_set_header X-Original-URI $request_uri;
		}
		location / { return 404; }
	}
}
`;
}

function waitForPort(port, host, timeoutMs) {
	const until = Date.now() + timeoutMs;
	return new Promise((resolve, reject) => {
		const attempt = () => {
			const s = net.connect(port, host);
			s.once('connect', () => {
				s.destroy();
				resolve();
			});
			s.once('error', () => {
				s.destroy();
				if (Date.now() > until) reject(new Error(`streaming server did not listen on ${host}:${port}`));
				else setTimeout(attempt, 100);
			});
		};
		attempt();
	});
}

/**
 * Starts nginx-rtmp. As root it drops to the unprivileged user `nobody` (the whole process, not
 * only the workers). Returns the variables Anxun needs and a stop function.
 * @param {{ rtmpPort?: number, httpPort?: number, anxunUrl?: string, host?: string, dir?: string, secret?: string }} [options]
 */
export async function startLiveServer({ rtmpPort = 19350, httpPort = 18080, anxunUrl = 'http://127.0.0.1:3000', host = '127.0.0.1', dir, secret } = {}) {
	if (!liveServerAvailable()) throw new Error(`nginx with the RTMP module is not installed (${NGINX}, ${RTMP_MODULE}): apt-get install -y nginx-light libnginx-mod-rtmp`);
	dir ??= mkdtempSync(join(tmpdir(), 'anxun-live-'));
	for (const sub of ['hls', 'rec', 'tmp', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
	secret ??= randomBytes(18).toString('base64url');
	writeFileSync(join(dir, 'nginx.conf'), nginxConf({ dir, rtmpPort, httpPort, anxunUrl, secret, host }));
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		// nobody must write HLS segments and recordings; Anxun (root here) reads them
		for (const sub of ['', 'hls', 'rec', 'tmp', 'logs']) chmodSync(join(dir, sub), 0o777);
	}
	const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
		stdio: ['ignore', 'inherit', 'inherit'],
		...(asRoot ? { uid: 65534, gid: 65534 } : {})
	});
	let exited = false;
	child.once('exit', () => (exited = true));
	try {
		await waitForPort(rtmpPort, host, 10_000);
		await waitForPort(httpPort, host, 5_000);
	} catch (e) {
		child.kill('SIGKILL');
		const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
		throw new Error(`${e.message}\n${log}`);
	}
	const env = {
		ANXUN_LIVE_RTMP_URL: `rtmp://${host}:${rtmpPort}/live`,
		ANXUN_LIVE_PLAY_URL: `http://${host}:${httpPort}`,
		ANXUN_LIVE_CALLBACK_SECRET: secret,
		ANXUN_LIVE_RECORD_DIR: join(dir, 'rec')
	};
	return {
		dir,
		env,
		pid: child.pid,
		async stop({ keep = false } = {}) {
			if (!exited) {
				const done = new Promise((r) => child.once('exit', r));
				child.kill('SIGQUIT');
				const t = setTimeout(() => child.kill('SIGKILL'), 5000);
				await done;
				clearTimeout(t);
			}
			if (!keep) rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** ffmpeg pushing a generated test pattern (colour bars + a tone) to rtmp://…/live/<key>. */
export function pushTestPattern(rtmpUrl, { seconds } = {}) {
	const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440'];
	if (seconds) args.push('-t', String(seconds));
	args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', rtmpUrl);
	return spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function ffmpegAvailable() {
	return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name, fallback) => {
		const i = process.argv.indexOf(name);
		return i > 0 ? process.argv[i + 1] : fallback;
	};
	const server = await startLiveServer({
		rtmpPort: Number(arg('--rtmp-port', process.env.ANXUN_LIVE_RTMP_PORT ?? 19350)),
		httpPort: Number(arg('--http-port', process.env.ANXUN_LIVE_HTTP_PORT ?? 18080)),
		anxunUrl: arg('--anxun', process.env.ANXUN_URL ?? 'http://127.0.0.1:3000'),
		host: arg('--host', '127.0.0.1')
	});
	console.log(`直播服务已启动（nginx-rtmp，目录 ${server.dir}）。用以下环境变量启动安训：`);
	for (const [k, v] of Object.entries(server.env)) console.log(`${k}=${v}`);
	const stop = () => void server.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
