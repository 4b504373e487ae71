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
