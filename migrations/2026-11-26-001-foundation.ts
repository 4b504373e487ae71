import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('regions')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('level', 'text', (c) =>
			c.notNull().check(sql`level in ('city', 'district', 'functional', 'town')`)
		)
		.addColumn('parent_code', 'text', (c) => c.references('regions.code'))
		// '/500000/500112/500112001/' — a region's subtree is every path starting with its own.
		.addColumn('path', 'text', (c) => c.notNull().unique())
		.addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();

	await db.schema
		.createTable('industries')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('parent_code', 'text', (c) => c.references('industries.code'))
		.addColumn('high_risk', 'boolean', (c) => c.notNull())
		.addColumn('high_risk_basis', 'text')
		.addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();

	await db.schema
		.createTable('special_operations')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('category', 'text', (c) => c.notNull())
		.addColumn('item', 'text', (c) => c.notNull())
		.addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();

	await db.schema
		.createTable('organisations')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('kind', 'text', (c) =>
			c.notNull().check(sql`kind in ('enterprise', 'institution', 'regulator', 'government', 'platform')`)
		)
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 100`))
		.addColumn('credit_code', 'text', (c) => c.unique().check(sql`char_length(credit_code) = 18`))
		.addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
		.addColumn('industry_code', 'text', (c) => c.references('industries.code'))
		.addColumn('scale', 'text', (c) => c.check(sql`scale in ('above', 'below')`))
		.addColumn('standardization_level', 'text', (c) =>
			c.check(sql`standardization_level in ('一级', '二级', '三级', '未达标')`)
		)
		.addColumn('gov_type', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('organisations_region_idx').on('organisations').column('region_code').execute();

	await db.schema
		.createTable('persons')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 50`))
		.addColumn('id_number', 'text', (c) => c.notNull().unique().check(sql`char_length(id_number) = 18`))
		.addColumn('mobile', 'text', (c) => c.check(sql`mobile ~ '^1[3-9][0-9]{9}$'`))
		.addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
		.addColumn('role_category', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`role_category in ('principal', 'controller', 'deputy', 'safety_manager', 'special_worker', 'frontline', 'enforcement', 'party_leader', 'disaster_informant', 'institution_staff')`
				)
		)
		.addColumn('special_operation_code', 'text', (c) => c.references('special_operations.code'))
		.addColumn('position', 'text', (c) => c.check(sql`char_length(position) <= 50`))
		.addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'persons_special_op_check',
			sql`(role_category = 'special_worker') = (special_operation_code is not null)`
		)
		.execute();
	await db.schema.createIndex('persons_org_idx').on('persons').columns(['org_id', 'role_category']).execute();

	await db.schema
		.createTable('users')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('person_id', 'integer', (c) => c.unique().references('persons.id'))
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('mobile', 'text', (c) => c.unique())
		.addColumn('id_number', 'text', (c) => c.unique())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('users_login_check', sql`mobile is not null or id_number is not null`)
		.execute();

	await db.schema
		.createTable('memberships')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`role in ('learner', 'enterprise_admin', 'institution_admin', 'examiner', 'regulator', 'platform_admin')`
				)
		)
		.addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
		.addUniqueConstraint('memberships_unique', ['user_id', 'role', 'org_id'])
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('membership_id', 'integer', (c) => c.references('memberships.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('at', 'timestamptz', (c) => c.notNull())
		.addColumn('actor_user_id', 'integer')
		.addColumn('actor_role', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('target', 'text')
		.addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('ip', 'text')
		.addColumn('prev_hash', 'text', (c) => c.notNull())
		.addColumn('hash', 'text', (c) => c.notNull().unique())
		.execute();
	await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target', 'at']).execute();
	await db.schema.createIndex('audit_log_ip_idx').on('audit_log').columns(['ip', 'at']).execute();
	// Append-only: edits and deletes are refused by the database itself; the hash chain
	// catches anyone who disables this trigger first.
	await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
		begin raise exception 'audit_log is append-only'; end; $$`.execute(db);
	await sql`create trigger audit_log_no_update before update or delete on audit_log
		for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['audit_log', 'sessions', 'memberships', 'users', 'persons', 'organisations', 'special_operations', 'industries', 'regions']) {
		await db.schema.dropTable(t).ifExists().execute();
	}
	await sql`drop function if exists audit_log_append_only`.execute(db);
}
