import { dev } from '$app/env';

export function sessionCookieOptions(expires: Date) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		// Secure outside dev; ANXUN_INSECURE_COOKIE=1 only for plain-http deployments on a LAN.
		secure: !dev && process.env.ANXUN_INSECURE_COOKIE !== '1',
		expires
	};
}
