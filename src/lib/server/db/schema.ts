import type { ColumnType, Generated } from 'kysely';

// The database's tables as data. Kysely's table types are derived from this object, and
// tests/integration/schema-types.spec.ts compares it with information_schema of a migrated
// database, so a migration that is not reflected here fails CI.
type PgType = 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb' | 'bytea' | 'date' | 'numeric';
type ColSpec = { readonly pg: PgType; readonly null?: true; readonly gen?: true };

const t = { pg: 'text' } as const;
const tN = { pg: 'text', null: true } as const;
const int = { pg: 'integer' } as const;
const intN = { pg: 'integer', null: true } as const;
const serial = { pg: 'integer', gen: true } as const;
const bool = { pg: 'boolean' } as const;
const boolD = { pg: 'boolean', gen: true } as const;
const ts = { pg: 'timestamptz' } as const;
const tsD = { pg: 'timestamptz', gen: true } as const;

export const schema = {
	regions: { code: t, name: t, level: t, parent_code: tN, path: t, sort: { pg: 'integer', gen: true } },
	industries: { code: t, name: t, parent_code: tN, high_risk: bool, high_risk_basis: tN, sort: { pg: 'integer', gen: true } },
	special_operations: { code: t, category: t, item: t, sort: { pg: 'integer', gen: true } },
	organisations: {
		id: serial,
		kind: t,
		name: t,
		credit_code: tN,
		region_code: t,
		industry_code: tN,
		scale: tN,
		standardization_level: tN,
		gov_type: tN,
		created_at: tsD
	},
	persons: {
		id: serial,
		name: t,
		id_number: t,
		mobile: tN,
		org_id: int,
		role_category: t,
		special_operation_code: tN,
		position: tN,
		active: boolD,
		created_at: tsD
	},
	users: {
		id: serial,
		person_id: intN,
		display_name: t,
		mobile: tN,
		id_number: tN,
		password_hash: t,
		must_change_password: boolD,
		disabled: boolD,
		created_at: tsD
	},
	memberships: { id: serial, user_id: int, role: t, org_id: int },
	sessions: { id: t, secret_hash: { pg: 'bytea' }, user_id: int, membership_id: intN, created_at: ts, expires_at: ts },
	audit_log: {
		id: { pg: 'bigint', gen: true },
		at: ts,
		actor_user_id: intN,
		actor_role: tN,
		action: t,
		target: tN,
		detail: { pg: 'jsonb', gen: true },
		ip: tN,
		prev_hash: t,
		hash: t
	},
	qb_sources: { id: t, title: t, effective_from: { pg: 'date' }, effective_to: { pg: 'date', null: true }, superseded_by: tN, note: tN, text: t, updated_at: ts },
	qb_banks: { id: serial, code: t, name: t, industry_code: tN, audience: { pg: 'jsonb', gen: true }, owner_org_id: intN, created_at: ts },
	qb_knowledge_points: { bank_id: int, code: t, name: t, parent_code: tN, sort: int },
	qb_questions: {
		id: serial,
		bank_id: int,
		code: t,
		status: t,
		review_status: t,
		review_reason: tN,
		current_version: int,
		type: t,
		difficulty: int,
		knowledge_code: t,
		search_text: t,
		updated_at: ts
	},
	qb_question_versions: {
		question_id: int,
		version: int,
		content: { pg: 'jsonb' },
		content_hash: t,
		basis_hashes: { pg: 'jsonb' },
		origin: t,
		created_by: intN,
		created_at: ts
	}
} as const satisfies Record<string, Record<string, ColSpec>>;

type TsOf<P extends PgType> = P extends 'text' | 'numeric'
	? string
	: P extends 'integer' | 'bigint'
		? number
		: P extends 'boolean'
			? boolean
			: P extends 'timestamptz'
				? ColumnType<Date, Date | string, Date | string>
				: P extends 'date'
					? ColumnType<string, string, string>
					: P extends 'bytea'
						? Uint8Array
						: unknown;

type Nullable<S extends ColSpec> = S extends { null: true } ? TsOf<S['pg']> | null : TsOf<S['pg']>;
type ColumnOf<S> = S extends ColSpec ? (S extends { gen: true } ? Generated<Nullable<S>> : Nullable<S>) : never;

export type DB = {
	[T in keyof typeof schema]: { -readonly [C in keyof (typeof schema)[T]]: ColumnOf<(typeof schema)[T][C]> };
};
