import { sql, type Kysely } from 'kysely';

// Frozen. Question banks: versioned questions, never deleted or changed in place.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('qb_sources')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('effective_from', 'date', (c) => c.notNull())
		.addColumn('effective_to', 'date')
		.addColumn('superseded_by', 'text')
		.addColumn('note', 'text')
		.addColumn('text', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('qb_banks')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('code', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('industry_code', 'text')
		.addColumn('audience', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		// null: a platform bank synced from question-banks/ (read-only in the browser)
		.addColumn('owner_org_id', 'integer', (c) => c.references('organisations.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('qb_knowledge_points')
		.addColumn('bank_id', 'integer', (c) => c.notNull().references('qb_banks.id'))
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('parent_code', 'text')
		.addColumn('sort', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('qb_knowledge_points_pk', ['bank_id', 'code'])
		.execute();

	await db.schema
		.createTable('qb_questions')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('bank_id', 'integer', (c) => c.notNull().references('qb_banks.id'))
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'retired')`))
		.addColumn('review_status', 'text', (c) => c.notNull().check(sql`review_status in ('ok', 'pending_review')`))
		.addColumn('review_reason', 'text')
		// denormalised from the current version, for filtering and search
		.addColumn('current_version', 'integer', (c) => c.notNull())
		.addColumn('type', 'text', (c) => c.notNull())
		.addColumn('difficulty', 'integer', (c) => c.notNull())
		.addColumn('knowledge_code', 'text', (c) => c.notNull())
		.addColumn('search_text', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull())
		.addUniqueConstraint('qb_questions_code', ['bank_id', 'code'])
		.execute();

	await db.schema
		.createTable('qb_question_versions')
		.addColumn('question_id', 'integer', (c) => c.notNull().references('qb_questions.id'))
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('content', 'jsonb', (c) => c.notNull())
		.addColumn('content_hash', 'text', (c) => c.notNull())
		// { "<source> <ref>": hash of the cited text when this version was written }
		.addColumn('basis_hashes', 'jsonb', (c) => c.notNull())
		.addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('file', 'excel', 'browser')`))
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.addPrimaryKeyConstraint('qb_question_versions_pk', ['question_id', 'version'])
		.execute();
	await sql`create function qb_versions_immutable() returns trigger language plpgsql as $$
		begin raise exception 'question versions are immutable'; end; $$`.execute(db);
	await sql`create trigger qb_versions_no_update before update or delete on qb_question_versions
		for each row execute function qb_versions_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['qb_question_versions', 'qb_questions', 'qb_knowledge_points', 'qb_banks', 'qb_sources']) {
		await db.schema.dropTable(t).ifExists().execute();
	}
	await sql`drop function if exists qb_versions_immutable`.execute(db);
}
