import { sql, type Kysely } from 'kysely';

// Certificates (issue 6). A certificate is proposed by the institution, issued (signed) by its
// issuer, and may later be rejected or revoked; the number is given only on issue. Signing keys
// keep their public half forever (rotation retires a key, it never deletes it), so an old
// certificate's signature stays checkable.
const statements = [
	`create table certificates (
		id serial primary key,
		-- given on issue; human-readable with an ISO 7064 MOD 37-2 check character
		number text unique,
		type text not null check (type in ('safety_knowledge', 'special_work', 'training')),
		person_id integer not null references persons(id),
		-- the person's enterprise when the certificate was proposed
		holder_org_id integer not null references organisations(id),
		special_operation_code text references special_operations(code),
		-- regulator (statutory types) or institution (training); null while proposed
		issuer_org_id integer references organisations(id),
		institution_org_id integer not null references organisations(id),
		session_id integer references exam_sessions(id),
		attempt_id integer references exam_attempts(id),
		status text not null check (status in ('proposed', 'issued', 'rejected', 'revoked')),
		issued_on date,
		valid_until date,
		next_review_due date,
		-- code of the rule (rules.ts) that set valid_until / next_review_due
		rule_code text,
		revoked_at timestamptz,
		revoke_reason text check (revoke_reason is null or char_length(revoke_reason) between 1 and 200),
		replaces_certificate_id integer references certificates(id),
		proposed_by integer references users(id),
		proposed_at timestamptz not null,
		decided_by integer references users(id),
		decided_at timestamptz,
		reject_reason text check (reject_reason is null or char_length(reject_reason) between 1 and 200),
		revoked_by integer references users(id),
		-- the signed canonical payload and its signatures (null until issued)
		payload jsonb,
		signature text,
		key_id text,
		sm2_signature text,
		sm2_key_id text,
		-- position in the published revocation bitstring
		status_index integer unique,
		created_at timestamptz not null,
		check ((type = 'special_work') = (special_operation_code is not null)),
		check (status not in ('issued', 'revoked') or (number is not null and issued_on is not null and valid_until is not null and payload is not null and signature is not null and issuer_org_id is not null)),
		check (status <> 'revoked' or (revoked_at is not null and revoke_reason is not null)),
		check (valid_until is null or issued_on is null or valid_until >= issued_on)
	)`,
	// one live certificate per exam attempt
	`create unique index certificates_attempt_live on certificates(attempt_id) where status in ('proposed', 'issued')`,
	`create index certificates_person on certificates(person_id, status)`,
	`create index certificates_holder_org on certificates(holder_org_id, status, valid_until)`,
	`create index certificates_session on certificates(session_id)`,
	`create index certificates_status on certificates(status, proposed_at)`,

	// 复审 records (30号令 regime): each extends next_review_due
	`create table certificate_reviews (
		id serial primary key,
		certificate_id integer not null references certificates(id),
		attempt_id integer references exam_attempts(id),
		reviewed_on date not null,
		previous_due date,
		next_review_due date,
		rule_code text not null,
		decided_by integer references users(id),
		created_at timestamptz not null
	)`,
	`create index certificate_reviews_cert on certificate_reviews(certificate_id)`,

	`create table certificate_sequences (
		type text not null,
		year integer not null,
		region_code text not null,
		last_value integer not null,
		primary key (type, year, region_code)
	)`,

	// issuer_org_id null = the platform's own key (signs the status list)
	`create table signing_keys (
		kid text primary key,
		issuer_org_id integer references organisations(id),
		alg text not null check (alg in ('Ed25519', 'SM2')),
		public_key text not null,
		-- AES-256-GCM under ANXUN_KEY_ENCRYPTION_KEY: base64url(iv) . base64url(tag) . base64url(ciphertext)
		private_key_enc text not null,
		created_at timestamptz not null,
		-- retired: signs nothing new, still verifies what it signed before
		retired_at timestamptz,
		-- revoked (compromised): its signatures are no longer trusted
		revoked_at timestamptz
	)`,
	`create unique index signing_keys_active on signing_keys(coalesce(issuer_org_id, 0), alg) where retired_at is null and revoked_at is null`,

	// the signed revocation bitstring, republished on every revocation; the newest row is current
	`create table certificate_status_lists (
		id serial primary key,
		published_at timestamptz not null,
		bit_length integer not null,
		encoded_list text not null,
		revoked_count integer not null,
		key_id text not null references signing_keys(kid),
		signature text not null
	)`,

	// Every public lookup (also the rate limit's memory: lookups per IP in the last minute).
	`create table certificate_lookups (
		id bigserial primary key,
		at timestamptz not null,
		ip text not null,
		query text not null,
		certificate_id integer references certificates(id),
		outcome text not null check (outcome in ('found', 'not_found', 'invalid', 'rate_limited'))
	)`,
	`create index certificate_lookups_ip on certificate_lookups(ip, at)`,
	`create index certificate_lookups_at on certificate_lookups(at)`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['certificate_lookups', 'certificate_status_lists', 'signing_keys', 'certificate_sequences', 'certificate_reviews', 'certificates']) {
		await sql.raw(`drop table if exists ${table}`).execute(db);
	}
}
