import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { listStaff } from '../../src/lib/server/people/people.query.ts';
import type { RoleCategory } from '../../src/lib/domain/labels.ts';

let seq = 0;
function idNumber() {
	const first17 = `50011219900101${String(100 + seq++)}`;
	return first17 + idNumberCheckChar(first17);
}

describe.each(BACKENDS)('staff list order (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise');
		const people: [string, RoleCategory, string | null, string | null, boolean][] = [
			['赵六', 'frontline', '装配', '2023-05-01', true],
			['王五', 'principal', '总经理', '2020-01-01', true],
			['安一', 'frontline', null, null, true],
			['李四', 'safety_manager', '安全员', '2021-03-01', false],
			['张三', 'special_worker', '电工', '2022-07-01', true],
			['陈二', 'frontline', '仓管', '2024-02-01', true]
		];
		for (const [name, role_category, position, hired_on, active] of people) {
			await t.db.insertInto('persons').values({ org_id: orgId, name, id_number: idNumber(), role_category, special_operation_code: role_category === 'special_worker' ? '2.1' : null, position, hired_on, active }).execute();
		}
	});
	afterAll(async () => t?.close());

	const names = async (sort?: Parameters<typeof listStaff>[3]) => (await listStaff(t.db, orgId, {}, sort)).map((r) => r.name);

	it('lists by 人员类别 in the law\'s order, then by name, by default', async () => {
		expect(await names()).toEqual(['王五', '李四', '张三', '安一', '赵六', '陈二']);
	});
	it('sorts by name both ways (the same order on PGlite and PostgreSQL)', async () => {
		expect(await names({ key: 'name', dir: 'asc' })).toEqual(['安一', '张三', '李四', '王五', '赵六', '陈二']);
		expect(await names({ key: 'name', dir: 'desc' })).toEqual(['陈二', '赵六', '王五', '李四', '张三', '安一']);
	});
	it('sorts by hiring date with people without one last', async () => {
		expect(await names({ key: 'hired', dir: 'desc' })).toEqual(['陈二', '赵六', '张三', '李四', '王五', '安一']);
		expect(await names({ key: 'hired', dir: 'asc' })).toEqual(['王五', '李四', '张三', '赵六', '陈二', '安一']);
	});
	it('sorts by status with 在岗 first', async () => {
		expect((await names({ key: 'status', dir: 'asc' })).at(-1)).toBe('李四');
		expect((await names({ key: 'status', dir: 'desc' }))[0]).toBe('李四');
	});
});
