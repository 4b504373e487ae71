import type { Db } from '../src/lib/server/db/index.ts';
import { creditCodeCheckChar, idNumberCheckChar } from '../src/lib/domain/identifiers.ts';
import { hashPassword } from '../src/lib/server/auth/password.ts';
import type { Role, RoleCategory } from '../src/lib/domain/labels.ts';
import demoAccounts from './demo-accounts.json' with { type: 'json' };

type OrgSeed = {
	key: string;
	kind: 'enterprise' | 'institution' | 'regulator' | 'government' | 'platform';
	name: string;
	region: string;
	industry?: string;
	scale?: 'above' | 'below';
	level?: string;
	govType?: string;
	creditBody?: string; // 9 chars of the organisation-code part
};

const ORGS: OrgSeed[] = [
	{ key: 'platform', kind: 'platform', name: '安训平台运营中心', region: '500000' },
	{ key: 'reg_city', kind: 'regulator', name: '重庆市应急管理局', region: '500000', creditBody: '009317501' },
	{ key: 'reg_yubei', kind: 'regulator', name: '重庆市渝北区应急管理局', region: '500112', creditBody: '009318102' },
	{ key: 'reg_changshou', kind: 'regulator', name: '重庆市长寿区应急管理局', region: '500115', creditBody: '009318503' },
	{ key: 'gov_longxi', kind: 'government', name: '重庆市渝北区人民政府龙溪街道办事处', region: '500112004', govType: '乡镇(街道)', creditBody: '009320114' },
	{ key: 'inst_main', kind: 'institution', name: '重庆安训安全技术培训中心', region: '500112', creditBody: 'MA5U7K2P3' },
	{ key: 'inst_fuling', kind: 'institution', name: '涪陵区安全技术培训学校', region: '500102', creditBody: 'MA60C1RT8' },
	{ key: 'ent_jinggong', kind: 'enterprise', name: '重庆渝北精工机械有限公司', region: '500112007', industry: 'it_machinery', scale: 'above', level: '三级', creditBody: 'MA5YBJ0G1' },
	{ key: 'ent_longxi', kind: 'enterprise', name: '重庆龙溪商贸有限公司', region: '500112004', industry: 'it_commerce', scale: 'below', level: '未达标', creditBody: 'MA61LX3Q2' },
	{ key: 'ent_changfeng', kind: 'enterprise', name: '重庆长风化工有限公司', region: '500115003', industry: 'hazchem', scale: 'above', level: '二级', creditBody: '203120756' },
	{ key: 'ent_qingshi', kind: 'enterprise', name: '涪陵青石建材有限公司', region: '500102008', industry: 'non_coal_mine', scale: 'below', level: '三级', creditBody: 'MA5XQT9H4' }
];

function creditCode(region: string, body: string, government: boolean): string {
	const first17 = (government ? '11' : '91') + region.slice(0, 6) + body;
	return first17 + creditCodeCheckChar(first17);
}

function idNumber(region: string, birth: string, seq: number, female: boolean): string {
	// sequence digits: the 17th digit is odd for men, even for women
	const tail = seq % 100 * 10 + (female ? 2 : 1);
	const first17 = region.slice(0, 6) + birth + String(tail).padStart(3, '0');
	return first17 + idNumberCheckChar(first17);
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const GIVEN = ['建华', '秀英', '志强', '丽娟', '海燕', '国平', '明', '静', '伟', '芳', '军', '敏', '磊', '洋', '勇', '艳', '杰', '娜', '涛', '超', '霞', '平', '刚', '桂英', '文', '红梅', '德明', '小龙', '春燕', '永'];

type PersonSeed = { name: string; role: RoleCategory; op?: string; position: string };

function staffFor(key: string, count: number, offset: number, mix: [RoleCategory, number, string, string?][]): PersonSeed[] {
	const out: PersonSeed[] = [];
	let i = 0;
	for (const [role, n, position, op] of mix) {
		for (let k = 0; k < n && out.length < count; k++, i++) {
			const s = SURNAMES[(offset + i * 7) % SURNAMES.length]!;
			const g = GIVEN[(offset * 3 + i * 11) % GIVEN.length]!;
			out.push({ name: s + g, role, op, position });
		}
	}
	void key;
	return out;
}

const STAFF: Record<string, PersonSeed[]> = {
	ent_jinggong: staffFor('ent_jinggong', 40, 1, [
		['principal', 1, '总经理'], ['controller', 1, '董事长'], ['deputy', 2, '副总经理'],
		['safety_manager', 3, '安全环保部'], ['special_worker', 4, '维修电工', '1.2'], ['special_worker', 3, '焊工', '2.1'],
		['frontline', 26, '机加工车间']
	]),
	ent_longxi: staffFor('ent_longxi', 12, 5, [
		['principal', 1, '经理'], ['safety_manager', 1, '兼职安全员'], ['frontline', 10, '营业员']
	]),
	ent_changfeng: staffFor('ent_changfeng', 36, 9, [
		['principal', 1, '总经理'], ['deputy', 2, '生产副总'], ['safety_manager', 4, '安全科'],
		['special_worker', 4, '氯化岗位', '9.3'], ['special_worker', 2, '电工', '1.1'], ['frontline', 23, '生产装置']
	]),
	ent_qingshi: staffFor('ent_qingshi', 18, 13, [
		['principal', 1, '矿长'], ['safety_manager', 2, '安全科'], ['special_worker', 2, '爆破工', '6.8'],
		['special_worker', 1, '安全检查工', '6.3'], ['frontline', 12, '采场']
	]),
	gov_longxi: staffFor('gov_longxi', 6, 17, [
		['party_leader', 2, '街道党工委'], ['enforcement', 2, '应急管理办公室'], ['disaster_informant', 2, '社区灾害信息员']
	]),
	reg_yubei: staffFor('reg_yubei', 3, 21, [['enforcement', 3, '执法支队']]),
	inst_main: staffFor('inst_main', 2, 25, [['institution_staff', 2, '教务']])
};

// Which demo account is which person / membership (accounts in seeds/demo-accounts.json).
const ACCOUNT_LINKS: Record<string, { org: string; roles: Role[]; person?: PersonSeed & { idNumber?: string }; mustChange?: boolean }> = {
	'13800000001': { org: 'platform', roles: ['platform_admin'] },
	'13800000002': { org: 'reg_city', roles: ['regulator'] },
	'13800000003': { org: 'reg_yubei', roles: ['regulator'], person: { name: '张卫东', role: 'enforcement', position: '执法支队' } },
	'13800000004': { org: 'inst_main', roles: ['institution_admin'] },
	'13800000005': { org: 'inst_main', roles: ['examiner'] },
	'13800000006': { org: 'ent_jinggong', roles: ['enterprise_admin', 'learner'], person: { name: '赵敏', role: 'safety_manager', position: '安全环保部部长' } },
	'13800000007': { org: 'ent_jinggong', roles: ['learner'], person: { name: '孙海涛', role: 'special_worker', op: '1.2', position: '维修电工' } },
	'500115197803150011': { org: 'ent_changfeng', roles: ['learner'], person: { name: '周长风', role: 'principal', position: '董事长', idNumber: '500115197803150011' } },
	'13800000009': { org: 'ent_changfeng', roles: ['enterprise_admin'], mustChange: true },
	'13800000010': { org: 'reg_changshou', roles: ['regulator'] }
};

export async function seedDemo(db: Db): Promise<void> {
	const orgIds = new Map<string, number>();
	for (const o of ORGS) {
		const row = await db
			.insertInto('organisations')
			.values({
				kind: o.kind,
				name: o.name,
				credit_code: o.creditBody ? creditCode(o.region, o.creditBody, o.kind === 'regulator' || o.kind === 'government') : null,
				region_code: o.region,
				industry_code: o.industry ?? null,
				scale: o.scale ?? null,
				standardization_level: o.level ?? null,
				gov_type: o.govType ?? null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		orgIds.set(o.key, row.id);
	}

	let seq = 0;
	let mobile = 13900000000;
	const regionOf = (key: string) => ORGS.find((o) => o.key === key)!.region;
	const insertPerson = async (orgKey: string, p: PersonSeed & { idNumber?: string }, mobileNo: string | null) => {
		seq++;
		const year = 1965 + (seq * 7) % 36;
		const birth = `${year}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (seq * 5) % 28).padStart(2, '0')}`;
		const row = await db
			.insertInto('persons')
			.values({
				name: p.name,
				id_number: p.idNumber ?? idNumber(regionOf(orgKey), birth, seq, seq % 3 === 0),
				mobile: mobileNo,
				org_id: orgIds.get(orgKey)!,
				role_category: p.role,
				special_operation_code: p.op ?? null,
				position: p.position
			})
			.returning(['id', 'id_number'])
			.executeTakeFirstOrThrow();
		return row;
	};

	for (const [orgKey, staff] of Object.entries(STAFF)) {
		for (const p of staff) await insertPerson(orgKey, p, String(++mobile));
	}

	const passwordHashes = new Map<string, string>();
	for (const account of demoAccounts) {
		const link = ACCOUNT_LINKS[account.account];
		if (!link) throw new Error(`seeds/demo-accounts.json: ${account.account} has no link in seeds/demo.ts`);
		const isMobile = account.account.length === 11;
		let personId: number | null = null;
		let idNo: string | null = isMobile ? null : account.account;
		if (link.person) {
			const person = await insertPerson(link.org, link.person, isMobile ? account.account : String(++mobile));
			personId = person.id;
			idNo = person.id_number;
		}
		const hash = passwordHashes.get(account.password) ?? (await hashPassword(account.password));
		passwordHashes.set(account.password, hash);
		const user = await db
			.insertInto('users')
			.values({
				person_id: personId,
				display_name: account.name,
				mobile: isMobile ? account.account : null,
				id_number: idNo,
				password_hash: hash,
				must_change_password: link.mustChange ?? false
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		for (const role of link.roles) {
			await db.insertInto('memberships').values({ user_id: user.id, role, org_id: orgIds.get(link.org)! }).execute();
		}
	}
}
