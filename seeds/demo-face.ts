import type { Db } from '../src/lib/server/db/index.ts';
import { sampleJpeg } from '../src/lib/server/face/samples.ts';
import { seal, sealEmbedding } from '../src/lib/server/face/vault.ts';
import { CONSENT_VERSION } from '../src/lib/server/face/face-service.ts';
import embeddings from './face-demo-embeddings.json' with { type: 'json' };

/**
 * Demo data for the "one face, several accounts" finding (issue 16): two staff of the first demo
 * enterprise consented and were enrolled with photos of the same man (cut from the model package's
 * picture; embeddings computed once by the model and stored in face-demo-embeddings.json so seeding
 * does not load the model).
 */
export async function seedDemoFace(db: Db, now: Date): Promise<void> {
	const org = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select('o.id')
		.where('o.kind', '=', 'enterprise')
		.groupBy('o.id')
		.having((eb) => eb.fn.countAll(), '>=', 2)
		.orderBy('o.id')
		.executeTakeFirst();
	if (!org) return;
	const persons = await db.selectFrom('persons').select('id').where('org_id', '=', org.id).orderBy('id').limit(2).execute();
	const pairs = [
		{ personId: persons[0]!.id, sample: 'a_reference' as const },
		{ personId: persons[1]!.id, sample: 'a_other' as const }
	];
	for (const p of pairs) {
		await db.insertInto('face_consents').values({ person_id: p.personId, action: 'given', text_version: CONSENT_VERSION, at: now, user_id: null, ip: null }).execute();
		await db
			.insertInto('face_references')
			.values({
				person_id: p.personId,
				source: 'capture',
				image_enc: seal(sampleJpeg(p.sample)),
				embedding_enc: sealEmbedding(embeddings[p.sample]),
				status: 'confirmed',
				created_at: now,
				confirmed_at: now
			})
			.execute();
	}
}
