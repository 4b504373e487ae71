import type { SessionUser, Session } from '#lib/server/auth/session.ts';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
		}
		interface Error {
			message: string;
			/** Shown with unexpected errors; the server log has the same id with the details. */
			errorId?: string;
		}
	}
}

export {};
