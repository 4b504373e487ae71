import type { Db } from '../db/index.ts';
import { findPersonsByIdNumbers, findPersonsByMobiles, findUsersByLogins, type PersonKeyRow, type UserKeyRow } from './people.repository.ts';

// 身份证号 identifies one person platform-wide (a database constraint); 手机号 is ours: one person
// and one sign-in account per number, because staff activate and sign in with it. Messages
// never name another enterprise.

export type IdentityKeys = {
	idNumber: string | null;
	mobile: string | null;
	/** The person being edited: its own row and account are not clashes. */
	personId?: number | null;
};
export type Clash = { field: 'idNumber' | 'mobile'; message: string };

/** For each entry (same order), what already uses its 身份证号 or 手机号. Call inside lockPersonWrites. */
export async function findIdentityClashes(db: Db, orgId: number, entries: IdentityKeys[]): Promise<Clash[][]> {
	const idNumbers = [...new Set(entries.flatMap((e) => (e.idNumber ? [e.idNumber] : [])))];
	const mobiles = [...new Set(entries.flatMap((e) => (e.mobile ? [e.mobile] : [])))];
	const byId = await findPersonsByIdNumbers(db, idNumbers);
	const byMobile = await findPersonsByMobiles(db, mobiles);
	const users = await findUsersByLogins(db, { idNumbers, mobiles });
	const personById = new Map(byId.map((p) => [p.id_number, p]));
	const personsByMobile = new Map<string, PersonKeyRow[]>();
	for (const p of byMobile) personsByMobile.set(p.mobile!, [...(personsByMobile.get(p.mobile!) ?? []), p]);
	const userById = new Map<string, UserKeyRow>();
	const userByMobile = new Map<string, UserKeyRow>();
	for (const u of users) {
		if (u.id_number) userById.set(u.id_number, u);
		if (u.mobile) userByMobile.set(u.mobile, u);
	}

	return entries.map((e) => {
		const self = e.personId ?? null;
		const isOwnAccount = (u: UserKeyRow) => self !== null && u.person_id === self;
		const clashes: Clash[] = [];
		if (e.idNumber) {
			const p = personById.get(e.idNumber);
			const u = userById.get(e.idNumber);
			if (p && p.id !== self) {
				clashes.push({
					field: 'idNumber',
					message:
						p.org_id === orgId
							? `身份证号已登记在本单位人员名单中（${p.name}），不能重复登记`
							: '身份证号已被其他单位登记，不能重复登记；如该员工已调入本单位，请联系原单位或平台管理员处理'
				});
			} else if (u && !isOwnAccount(u)) {
				clashes.push({ field: 'idNumber', message: '身份证号已被平台上的其他账号使用' });
			}
		}
		if (e.mobile) {
			const others = (personsByMobile.get(e.mobile) ?? []).filter((p) => p.id !== self);
			const u = userByMobile.get(e.mobile);
			const own = others.find((p) => p.org_id === orgId);
			if (own) clashes.push({ field: 'mobile', message: `手机号已被本单位人员“${own.name}”使用，每人须使用自己的手机号` });
			else if (others.length) clashes.push({ field: 'mobile', message: '手机号已被其他单位的人员使用，每人须使用自己的手机号' });
			else if (u && !isOwnAccount(u)) clashes.push({ field: 'mobile', message: '手机号已被平台上的其他账号（如管理员账号）用于登录，请换一个号码' });
		}
		return clashes;
	});
}
