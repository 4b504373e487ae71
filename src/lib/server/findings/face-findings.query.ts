import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { openEmbedding } from '../face/vault.ts';
import { similarity } from '../face/rules.ts';
import type { Finding } from './findings.query.ts';

// Issue 16: 走过场 findings from face checks. Embeddings are decrypted on the server only to
// compare them; nothing biometric is in a finding.
export const FACE_THRESHOLDS = { sharedMatch: 0.55, failedMinChecks: 3, cameraMinEvents: 5, cameraMinPersons: 2, lookbackDays: 365 };

export const FACE_RULES = {
	face_shared: `同一企业内，同一张人脸与两个以上账号的登记照片或抓拍比对一致（相似度 ${FACE_THRESHOLDS.sharedMatch} 以上）——可能一人替同事学习或考试。`,
	face_failed_credit: `学员在 ${FACE_THRESHOLDS.lookbackDays} 天内计入了学时，但其人脸核验至少 ${FACE_THRESHOLDS.failedMinChecks} 次未通过且从未通过——学时可能不是本人所学。`,
	face_camera: `同一企业 ${FACE_THRESHOLDS.lookbackDays} 天内“摄像头不可用” ${FACE_THRESHOLDS.cameraMinEvents} 次以上，涉及 ${FACE_THRESHOLDS.cameraMinPersons} 人以上——可能在规避人脸核验。`
} as const;
export const FACE_RULE_TITLES = { face_shared: '一脸多号', face_failed_credit: '人脸核验未通过仍计学时', face_camera: '频繁摄像头不可用' } as const;

const inRegion = (alias: string, path: string) =>
	sql`exists (select 1 from organisations fo join regions fr on fr.code = fo.region_code where fo.id = ${sql.ref(alias + '.org_id')} and fr.path like ${path + '%'})`;

/** One face, several accounts: references and recent check embeddings compared within each enterprise. */
export async function findSharedFaces(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - FACE_THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ person_id: number; name: string; id_number: string; org_id: number; org_name: string; emb: Uint8Array }>`
		select p.id as person_id, p.name, p.id_number, p.org_id, o.name as org_name, x.emb
		from persons p join organisations o on o.id = p.org_id and o.kind = 'enterprise'
		join lateral (
			select r.embedding_enc as emb from face_references r where r.person_id = p.id and r.status = 'confirmed'
			union all
			select c.embedding_enc from (select embedding_enc from face_checks where person_id = p.id and embedding_enc is not null and at >= ${since}
				order by id desc limit 5) c
		) x on true
		where ${inRegion('p', regionPath)}`.execute(db);
	const byOrg = new Map<number, { person_id: number; name: string; id_number: string; org_name: string; e: number[] }[]>();
	for (const r of rows) {
		let e: number[];
		try {
			e = openEmbedding(r.emb);
		} catch {
			continue;
		}
		const list = byOrg.get(r.org_id) ?? [];
		list.push({ person_id: r.person_id, name: r.name, id_number: r.id_number, org_name: r.org_name, e });
		byOrg.set(r.org_id, list);
	}
	const out: Finding[] = [];
	for (const [orgId, list] of byOrg) {
		// union-find over persons linked by a matching pair of embeddings
		const parent = new Map<number, number>();
		const find = (x: number): number => (parent.get(x) === undefined || parent.get(x) === x ? x : find(parent.get(x)!));
		const best = new Map<string, number>();
		const linked = new Set<number>();
		for (let i = 0; i < list.length; i++) {
			for (let j = i + 1; j < list.length; j++) {
				const a = list[i]!;
				const b = list[j]!;
				if (a.person_id === b.person_id) continue;
				const s = similarity(a.e, b.e);
				if (s < FACE_THRESHOLDS.sharedMatch) continue;
				const ra = find(a.person_id);
				const rb = find(b.person_id);
				if (ra !== rb) parent.set(ra, rb);
				linked.add(a.person_id).add(b.person_id);
				const k = [a.person_id, b.person_id].sort().join('-');
				best.set(k, Math.max(best.get(k) ?? 0, s));
			}
		}
		const groups = new Map<number, Set<number>>();
		for (const r of list) {
			const root = find(r.person_id);
			if (!linked.has(r.person_id)) continue;
			const g = groups.get(root) ?? new Set<number>();
			g.add(r.person_id);
			groups.set(root, g);
		}
		for (const ids of groups.values()) {
			if (ids.size < 2) continue;
			const people = [...ids].map((id) => list.find((l) => l.person_id === id)!);
			const top = Math.max(...[...best.values()]);
			out.push({
				rule: 'face_shared',
				key: `face_shared:${[...ids].sort((a, b) => a - b).join(',')}`,
				groupKey: `face_shared:org:${orgId}`,
				groupLabel: `企业：${people[0]!.org_name}`,
				orgId,
				score: 70 + Math.min(25, ids.size * 5),
				subject: people.map((p) => `${p.name}（${maskIdNumber(p.id_number)}）`).join('、'),
				detail: `${ids.size} 个账号的人脸比对一致（最高相似度 ${top.toFixed(2)}）`,
				at: now.toISOString(),
				evidence: people.map((p) => ({ label: `${p.name}的学习记录`, href: `/regulator/persons/${p.person_id}` }))
			});
		}
	}
	return out;
}

/** Study hours credited while the person's face checks failed and never passed. */
export async function findFailedCredit(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - FACE_THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ person_id: number; name: string; id_number: string; org_id: number; credited: number; failed: number }>`
		select p.id as person_id, p.name, p.id_number, p.org_id,
			(select coalesce(sum(e.credited_seconds), 0) from study_events e where e.person_id = p.id and e.at >= ${since})::int as credited,
			f.failed
		from persons p join (
			select person_id, count(*) filter (where outcome <> 'matched')::int as failed, count(*) filter (where outcome = 'matched')::int as passed
			from face_checks where context = 'study' and at >= ${since} group by person_id
		) f on f.person_id = p.id
		where f.passed = 0 and f.failed >= ${FACE_THRESHOLDS.failedMinChecks} and ${inRegion('p', regionPath)}`.execute(db);
	return rows
		.filter((r) => r.credited > 0)
		.map((r) => ({
			rule: 'face_failed_credit',
			key: `face_failed_credit:person:${r.person_id}`,
			groupKey: `face_failed_credit:org:${r.org_id}`,
			groupLabel: `企业编号 ${r.org_id}`,
			orgId: r.org_id,
			score: 60 + Math.min(30, r.failed * 2),
			subject: `${r.name}（${maskIdNumber(r.id_number)}）`,
			detail: `计入学时 ${(r.credited / 3600).toFixed(1)} 小时，人脸核验 ${r.failed} 次未通过、0 次通过`,
			at: now.toISOString(),
			evidence: [{ label: `${r.name}的学习记录`, href: `/regulator/persons/${r.person_id}` }]
		}));
}

/** Many "camera unavailable" in one enterprise. */
export async function findCameraUnavailable(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - FACE_THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ org_id: number; org_name: string; events: number; persons: number }>`
		select p.org_id, o.name as org_name, count(*)::int as events, count(distinct c.person_id)::int as persons
		from face_checks c join persons p on p.id = c.person_id join organisations o on o.id = p.org_id
		where c.outcome = 'camera_unavailable' and c.at >= ${since} and ${inRegion('p', regionPath)}
		group by p.org_id, o.name
		having count(*) >= ${FACE_THRESHOLDS.cameraMinEvents} and count(distinct c.person_id) >= ${FACE_THRESHOLDS.cameraMinPersons}`.execute(db);
	return rows.map((r) => ({
		rule: 'face_camera',
		key: `face_camera:org:${r.org_id}`,
		groupKey: `face_camera:org:${r.org_id}`,
		groupLabel: `企业：${r.org_name}`,
		orgId: r.org_id,
		score: 50 + Math.min(30, r.events),
		subject: r.org_name,
		detail: `“摄像头不可用” ${r.events} 次，涉及 ${r.persons} 人`,
		at: now.toISOString(),
		evidence: []
	}));
}
