import type { ColumnType, Generated } from 'kysely';
import type { Blueprint } from '../question-engine/blueprint.ts';
import type { PaperGrade } from '../question-engine/grading.ts';
import type { ItemStats } from '../question-engine/item-analysis.ts';
import type { QuestionType } from '../../question-bank/schema.ts';
import type { Role, RoleCategory } from '../../domain/labels.ts';
import type { CourseStatus, LessonKind, TrainingType } from '../../domain/courses.ts';
import type { AttemptStatus, FinishReason, StoredSlot } from '../exams/attempt.ts';
import type { Decision } from '../proctoring/integrity.ts';
import type { DecisionStatus } from '../findings/decisions.repository.ts';
import type { RequirementKind, RequirementRule } from '../study/requirements.ts';
import type { PublishedKey } from '../certificates/signature.ts';

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
const tsN = { pg: 'timestamptz', null: true } as const;
const j = { pg: 'jsonb' } as const;
const jN = { pg: 'jsonb', null: true } as const;
/** A column whose values TypeScript knows more precisely than its PostgreSQL type (`shape` exists only in the type). */
type Shaped<T> = { readonly shape: T };
/**
 * A jsonb column whose value has a known shape: the type is TypeScript's only (written by the use
 * case that validated it; the database checks it is JSON). Reads come back typed, with no cast.
 */
const json = <T>() => ({ pg: 'jsonb' }) as { readonly pg: 'jsonb' } & Shaped<T>;
/** A jsonb column with a known shape and a default (may be left out on insert). */
const jsonD = <T>() => ({ pg: 'jsonb', gen: true }) as { readonly pg: 'jsonb'; readonly gen: true } & Shaped<T>;
const jsonN = <T>() => ({ pg: 'jsonb', null: true }) as { readonly pg: 'jsonb'; readonly null: true } & Shaped<T>;
/** A text column with a fixed vocabulary (a CHECK constraint, or one list in the code): read and written as the union. */
const oneOf = <T extends string>() => ({ pg: 'text' }) as { readonly pg: 'text' } & Shaped<T>;
const oneOfN = <T extends string>() => ({ pg: 'text', null: true }) as { readonly pg: 'text'; readonly null: true } & Shaped<T>;
const oneOfD = <T extends string>() => ({ pg: 'text', gen: true }) as { readonly pg: 'text'; readonly gen: true } & Shaped<T>;
const dateT = { pg: 'date' } as const;
const dateN = { pg: 'date', null: true } as const;

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
		created_at: tsD,
		status: { pg: 'text', gen: true },
		address: tN,
		legal_rep: tN,
		suspended_at: tsN,
		suspended_reason: tN,
		contact_name: tN,
		contact_phone: tN,
		merged_into: intN,
		merged_at: tsN
	},
	persons: {
		id: serial,
		name: t,
		id_number: t,
		mobile: tN,
		org_id: int,
		role_category: oneOf<RoleCategory>(),
		special_operation_code: tN,
		position: tN,
		active: boolD,
		created_at: tsD,
		hired_on: { pg: 'date', null: true }
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
		created_at: tsD,
		last_login_at: tsN,
		disabled_at: tsN,
		email: tN
	},
	memberships: { id: serial, user_id: int, role: oneOf<Role>(), org_id: int },
	sessions: { id: t, secret_hash: { pg: 'bytea' }, user_id: int, membership_id: intN, created_at: ts, expires_at: ts, user_agent: tN, ip: tN, last_seen_at: tsN },
	password_resets: { id: serial, user_id: int, code_hash: t, issued_by: intN, channel: t, expires_at: ts, used_at: tsN, revoked_at: tsN, created_at: ts },
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
	activation_codes: { id: serial, person_id: int, code_hash: t, channel: t, issued_by: intN, issued_at: ts, expires_at: ts, used_at: tsN, revoked_at: tsN },
	audit_checkpoints: { seq: int, at: ts, last_id: { pg: 'bigint' }, head_hash: t, entry_count: { pg: 'bigint' }, prev: t, kid: t, signature: t },
	qb_sources: { id: t, title: t, effective_from: { pg: 'date' }, effective_to: { pg: 'date', null: true }, superseded_by: tN, note: tN, text: t, updated_at: ts },
	qb_banks: { id: serial, code: t, name: t, industry_code: tN, audience: { pg: 'jsonb', gen: true }, owner_org_id: intN, created_at: ts, derived_from_bank_id: intN },
	qb_knowledge_points: { bank_id: int, code: t, name: t, parent_code: tN, sort: int },
	qb_questions: {
		id: serial,
		bank_id: int,
		code: t,
		status: t,
		review_status: t,
		review_reason: tN,
		current_version: int,
		type: oneOf<QuestionType>(),
		difficulty: int,
		knowledge_code: t,
		search_text: t,
		updated_at: ts,
		derived_from_question_id: intN,
		derived_from_version: intN,
		case_code: tN,
		same_fact: tN,
		stem_key: tN,
		empirical_difficulty: intN,
		empirical_responses: intN
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
	},
	files: {
		id: serial,
		owner_org_id: intN,
		name: t,
		mime: t,
		size_bytes: { pg: 'bigint' },
		chunk_bytes: int,
		sha256: t,
		created_by: intN,
		created_at: ts
	},
	file_chunks: { file_id: int, seq: int, data: { pg: 'bytea' } },
	courses: {
		id: serial,
		code: t,
		title: t,
		description: { pg: 'text', gen: true },
		training_type: oneOf<TrainingType>(),
		audience_roles: jsonD<RoleCategory[]>(),
		audience_industries: { pg: 'jsonb', gen: true },
		audience_high_risk: { pg: 'boolean', null: true },
		credit_hours: { pg: 'numeric' },
		owner_org_id: intN,
		status: oneOfD<CourseStatus>(),
		created_at: ts,
		updated_at: ts,
		published_at: { pg: 'timestamptz', null: true }
	},
	course_modules: { id: serial, course_id: int, title: t, position: int },
	lessons: {
		id: serial,
		course_id: int,
		module_id: int,
		title: t,
		kind: oneOf<LessonKind>(),
		body_md: { pg: 'text', gen: true },
		file_id: intN,
		video_seconds: intN,
		minutes: int,
		position: int,
		quiz: jN,
		live_class_id: intN
	},
	training_requirements: {
		code: t,
		title: t,
		role_categories: json<RoleCategory[]>(),
		high_risk: { pg: 'boolean', null: true },
		kind: oneOf<RequirementKind>(),
		hours: { pg: 'numeric' },
		basis_doc: t,
		basis_article: t,
		status: oneOf<RequirementRule['status']>(),
		note: tN,
		effective_from: { pg: 'date', null: true },
		effective_to: { pg: 'date', null: true },
		sort: { pg: 'integer', gen: true }
	},
	enrolments: {
		id: serial,
		person_id: int,
		course_id: int,
		plan_year: int,
		due_on: { pg: 'date', null: true },
		source: t,
		requirement_code: tN,
		assigned_by: intN,
		status: { pg: 'text', gen: true },
		created_at: ts,
		completed_at: { pg: 'timestamptz', null: true }
	},
	lesson_progress: {
		enrolment_id: int,
		lesson_id: int,
		credited_seconds: { pg: 'integer', gen: true },
		watched_seconds: { pg: 'numeric', gen: true },
		reached_end: boolD,
		first_at: ts,
		last_at: ts,
		completed_at: { pg: 'timestamptz', null: true }
	},
	study_leases: {
		person_id: int,
		enrolment_id: int,
		lesson_id: int,
		tab_id: t,
		started_at: ts,
		last_beat_at: ts,
		seconds_to_check: int,
		version: { pg: 'integer', gen: true },
		ip: tN,
		device: tN,
		released_at: tsN
	},
	study_checks: {
		id: serial,
		person_id: int,
		enrolment_id: int,
		lesson_id: int,
		issued_at: ts,
		deadline_at: ts,
		answered_at: { pg: 'timestamptz', null: true },
		status: { pg: 'text', gen: true },
		kind: { pg: 'text', gen: true }
	},
	study_events: {
		id: { pg: 'bigint', gen: true },
		at: ts,
		person_id: int,
		enrolment_id: intN,
		lesson_id: intN,
		tab_id: tN,
		kind: t,
		credited_seconds: { pg: 'integer', gen: true },
		position: { pg: 'numeric', null: true },
		playback_rate: { pg: 'numeric', null: true },
		reason: tN,
		ip: tN,
		device: tN
	},
	exam_blueprints: {
		id: serial,
		owner_org_id: int,
		name: t,
		bank_ids: json<number[]>(),
		definition: json<Blueprint>(),
		certificate_type: t,
		exam_kind: { pg: 'text', gen: true },
		practice_open: boolD,
		created_by: intN,
		created_at: ts,
		updated_at: ts
	},
	exam_sessions: {
		id: serial,
		owner_org_id: int,
		blueprint_id: int,
		course_id: intN,
		name: t,
		mode: oneOf<'online' | 'exam_point'>(),
		exam_point: tN,
		opens_at: ts,
		closes_at: ts,
		access_code: tN,
		paper_mode: oneOf<'fixed' | 'per_candidate'>(),
		max_attempts: intN,
		require_fullscreen: boolD,
		require_webcam: boolD,
		require_id_check: boolD,
		allow_new_device: boolD,
		review_policy: oneOf<'none' | 'score_only' | 'after_close'>(),
		status: oneOfD<'scheduled' | 'cancelled'>(),
		papers_prepared_at: tsN,
		created_by: intN,
		created_at: ts,
		room_id: intN
	},
	exam_session_examiners: { session_id: int, user_id: int },
	exam_candidates: {
		id: serial,
		session_id: int,
		person_id: int,
		added_by: intN,
		added_at: ts,
		id_checked_at: tsN,
		id_checked_by: intN,
		application_id: intN,
		seat_no: intN
	},
	exam_papers: { id: serial, session_id: intN, blueprint_id: intN, seed: t, slots: json<StoredSlot[]>(), total_points: { pg: 'numeric' }, created_at: ts },
	exam_attempts: {
		id: serial,
		mode: oneOf<'exam' | 'practice'>(),
		session_id: intN,
		candidate_id: intN,
		person_id: int,
		paper_id: int,
		attempt_no: { pg: 'integer', gen: true },
		status: oneOf<AttemptStatus>(),
		finish_reason: oneOfN<FinishReason>(),
		started_at: tsN,
		deadline_at: tsN,
		finished_at: tsN,
		extended_seconds: { pg: 'integer', gen: true },
		client_id: tN,
		ip: tN,
		user_agent: tN,
		score: { pg: 'numeric', null: true },
		passed: { pg: 'boolean', null: true },
		result: jsonN<PaperGrade>(),
		flags: jN,
		decision: oneOfN<Decision>(),
		decision_reason: tN,
		decided_by: intN,
		decided_at: tsN,
		created_at: ts
	},
	exam_answer_steps: { attempt_id: int, seq: int, slot: int, response: jN, client_at: tsN, received_at: ts, attempt_started_at: ts },
	exam_events: { id: { pg: 'bigint', gen: true }, attempt_id: int, at: ts, source: t, kind: t, detail: { pg: 'jsonb', gen: true } },
	exam_snapshots: { id: serial, attempt_id: int, kind: t, file_id: int, taken_at: ts },
	exam_actions: { id: serial, attempt_id: int, kind: t, message: t, seconds: intN, by_user: intN, at: ts, acknowledged_at: tsN },
	wrong_answers: { person_id: int, question_id: int, wrong_count: { pg: 'integer', gen: true }, last_wrong_at: ts, resolved_at: tsN },
	item_stats: { question_id: int, version: int, bank_id: int, responses: int, stats: json<ItemStats>(), computed_at: ts },
	jobs: {
		id: { pg: 'bigint', gen: true },
		kind: t,
		dedupe_key: tN,
		payload: { pg: 'jsonb', gen: true },
		run_after: ts,
		locked_until: tsN,
		attempts: { pg: 'integer', gen: true },
		last_error: tN,
		done_at: tsN,
		created_at: ts
	},
	certificates: {
		id: serial,
		number: tN,
		type: t,
		person_id: int,
		holder_org_id: int,
		special_operation_code: tN,
		issuer_org_id: intN,
		institution_org_id: int,
		session_id: intN,
		attempt_id: intN,
		status: t,
		issued_on: { pg: 'date', null: true },
		valid_until: { pg: 'date', null: true },
		next_review_due: { pg: 'date', null: true },
		rule_code: tN,
		revoked_at: tsN,
		revoke_reason: tN,
		replaces_certificate_id: intN,
		proposed_by: intN,
		proposed_at: ts,
		decided_by: intN,
		decided_at: tsN,
		reject_reason: tN,
		revoked_by: intN,
		payload: jN,
		signature: tN,
		key_id: tN,
		sm2_signature: tN,
		sm2_key_id: tN,
		status_index: intN,
		created_at: ts,
		application_id: intN,
		practical_attempt_id: intN,
		photo_sha256: tN
	},
	certificate_reviews: {
		id: serial,
		certificate_id: int,
		attempt_id: intN,
		reviewed_on: { pg: 'date' },
		previous_due: { pg: 'date', null: true },
		next_review_due: { pg: 'date', null: true },
		rule_code: t,
		decided_by: intN,
		created_at: ts
	},
	certificate_sequences: { type: t, year: int, region_code: t, last_value: int },
	signing_keys: { kid: t, issuer_org_id: intN, alg: oneOf<PublishedKey['alg']>(), public_key: t, private_key_enc: t, created_at: ts, retired_at: tsN, revoked_at: tsN },
	certificate_status_lists: { id: serial, published_at: ts, bit_length: int, encoded_list: t, revoked_count: int, key_id: t, signature: t },
	certificate_lookups: { id: { pg: 'bigint', gen: true }, at: ts, ip: t, query: t, certificate_id: intN, outcome: t },
	// coverage (migration 006)
	coverage_targets: {
		id: serial,
		code: t,
		title: t,
		region_code: t,
		owner_org_id: intN,
		period_start: { pg: 'date' },
		period_end: { pg: 'date' },
		deadline: { pg: 'date' },
		goal_percent: { pg: 'numeric' },
		definition: j,
		source_doc: t,
		source_clause: t,
		note: tN,
		status: { pg: 'text', gen: true },
		created_by: intN,
		created_at: ts
	},
	coverage_person: {
		target_id: int,
		person_id: int,
		org_id: int,
		region_code: t,
		industry_code: t,
		role_category: oneOf<RoleCategory>(),
		covered: bool,
		covered_on: { pg: 'date', null: true },
		study_missing: bool,
		exam_missing: bool,
		certificate_missing: bool,
		valid_until: { pg: 'date', null: true }
	},
	coverage_node_counts: { target_id: int, node_code: t, industry_code: t, role_category: oneOf<RoleCategory>(), required: int, covered: int },
	coverage_org_counts: { target_id: int, org_id: int, role_category: oneOf<RoleCategory>(), required: int, covered: int },
	coverage_month_counts: { target_id: int, node_code: t, month: { pg: 'date' }, covered: int },
	coverage_pending: { tx: { pg: 'bigint', gen: true }, person_id: int },
	coverage_pending_flag: { tx: { pg: 'bigint' } },
	// a view: the definition of coverage, evaluated from the base tables (every column nullable)
	coverage_evaluation: {
		target_id: intN,
		person_id: intN,
		org_id: intN,
		region_code: tN,
		industry_code: tN,
		role_category: oneOfN<RoleCategory>(),
		study_on: { pg: 'date', null: true },
		exam_on: { pg: 'date', null: true },
		certificate_on: { pg: 'date', null: true },
		certificate_valid_until: { pg: 'date', null: true },
		study_missing: { pg: 'boolean', null: true },
		exam_missing: { pg: 'boolean', null: true },
		certificate_missing: { pg: 'boolean', null: true }
	},
	finding_decisions: {
		id: serial,
		finding_key: t,
		rule: t,
		status: oneOf<DecisionStatus>(),
		note: tN,
		due_on: { pg: 'date', null: true },
		org_id: intN,
		subject: t,
		detail: t,
		decided_by: intN,
		decided_org_id: int,
		decided_at: ts
	},
	institution_scopes: {
		id: serial,
		institution_org_id: int,
		scope: t,
		special_operation_code: tN,
		filed_with_org_id: intN,
		valid_from: dateT,
		valid_until: dateN,
		created_by: intN,
		created_at: ts
	},
	training_cohorts: { id: serial, institution_org_id: int, special_operation_code: tN, name: t, starts_on: dateT, ends_on: dateT, created_by: intN, created_at: ts },
	training_cohort_teachers: { cohort_id: int, user_id: int },
	so_applications: {
		id: serial,
		person_id: int,
		special_operation_code: t,
		institution_org_id: int,
		enterprise_org_id: intN,
		channel: t,
		kind: { pg: 'text', gen: true },
		cohort_id: intN,
		status: t,
		education: tN,
		health_declared_at: tsN,
		health_declaration_version: tN,
		exemption: { pg: 'text', gen: true },
		exemption_evidence_file_id: intN,
		photo_file_id: intN,
		photo_sha256: tN,
		id_front_file_id: intN,
		id_back_file_id: intN,
		previous_certificate_id: intN,
		eligibility: { pg: 'jsonb', gen: true },
		review_reason: tN,
		reviewed_by: intN,
		reviewed_at: tsN,
		submitted_by: intN,
		submitted_at: ts,
		updated_at: ts
	},
	exam_centres: { id: serial, institution_org_id: int, name: t, address: t, region_code: t, video_recording: boolD, active: boolD, created_by: intN, created_at: ts },
	exam_centre_rooms: { id: serial, centre_id: int, kind: oneOf<'computer' | 'practical'>(), name: t, capacity: int, special_operation_code: tN, active: boolD },
	practical_sheets: { code: t, version: int, special_operation_code: t, title: t, definition: j, sources: { pg: 'jsonb', gen: true }, created_at: ts },
	practical_sessions: {
		id: serial,
		institution_org_id: int,
		room_id: int,
		special_operation_code: t,
		sheet_code: t,
		sheet_version: int,
		name: t,
		opens_at: ts,
		closes_at: ts,
		status: { pg: 'text', gen: true },
		created_by: intN,
		created_at: ts
	},
	practical_session_examiners: { session_id: int, user_id: int },
	practical_attempts: {
		id: serial,
		session_id: int,
		application_id: int,
		person_id: int,
		station_no: int,
		attempt_no: int,
		status: { pg: 'text', gen: true },
		identity_checked_by: intN,
		identity_checked_at: tsN,
		started_at: tsN,
		score: { pg: 'numeric', null: true },
		veto: { pg: 'boolean', null: true },
		passed: { pg: 'boolean', null: true },
		finalised_at: tsN,
		published_at: tsN,
		created_at: ts
	},
	practical_score_steps: {
		attempt_id: int,
		examiner_user_id: int,
		seq: int,
		item_code: t,
		kind: t,
		points: { pg: 'numeric', null: true },
		undo_seq: intN,
		note: tN,
		client_at: tsN,
		received_at: ts
	},
	practical_signoffs: { attempt_id: int, examiner_user_id: int, role: t, score: { pg: 'numeric' }, veto: bool, signed_at: ts },
	practical_corrections: {
		id: serial,
		attempt_id: int,
		by_user: int,
		previous_score: { pg: 'numeric', null: true },
		score: { pg: 'numeric' },
		previous_passed: { pg: 'boolean', null: true },
		passed: bool,
		reason: t,
		at: ts
	},
	practical_evidence: { id: serial, attempt_id: int, item_code: tN, file_id: int, by_user: int, at: ts },
	person_post_absences: { id: serial, person_id: int, left_on: dateT, returned_on: dateN, recorded_by: intN, recorded_at: ts },
	external_certificates: {
		id: serial,
		person_id: int,
		number: t,
		special_operation_code: t,
		holder_name: t,
		issuing_authority: t,
		issued_on: dateT,
		valid_until: dateT,
		status: t,
		source: t,
		region_code: t,
		imported_by: intN,
		imported_at: ts
	},
	notifications: {
		id: { pg: 'bigint', gen: true },
		user_id: int,
		kind: t,
		title: t,
		body: t,
		link: tN,
		dedupe_key: tN,
		created_at: ts,
		read_at: tsN
	},
	outbound_messages: {
		id: { pg: 'bigint', gen: true },
		user_id: intN,
		notification_id: { pg: 'bigint', null: true },
		channel: t,
		address: t,
		subject: tN,
		body: t,
		kind: t,
		idempotency_key: t,
		status: { pg: 'text', gen: true },
		attempts: { pg: 'integer', gen: true },
		next_attempt_at: ts,
		last_error: tN,
		sent_at: tsN,
		created_at: ts
	},
	notification_opt_outs: { user_id: int, kind: t, channel: t, created_at: ts },
	// 实名注册 (migration 015)
	registration_applications: {
		id: serial,
		credit_code: t,
		name: t,
		region_code: t,
		industry_code: t,
		address: t,
		contact_name: t,
		contact_id_number: t,
		contact_mobile: t,
		contact_role_category: oneOf<RoleCategory>(),
		status: { pg: 'text', gen: true },
		reason: tN,
		ip: tN,
		created_at: ts,
		decided_by: intN,
		decided_at: tsN,
		created_org_id: intN
	},
	supervision_notices: {
		id: serial,
		regulator_org_id: int,
		region_code: t,
		target_id: int,
		target_title: t,
		goal_percent: { pg: 'numeric' },
		title: t,
		body: t,
		deadline: dateT,
		created_by: int,
		created_at: ts
	},
	supervision_notice_recipients: {
		notice_id: int,
		org_id: int,
		org_name: t,
		required: int,
		covered: int,
		by_role: j,
		read_at: tsN,
		acknowledged_at: tsN,
		acknowledged_by: intN,
		ack_note: tN
	},
	face_consents: { id: serial, person_id: int, action: t, text_version: t, at: ts, user_id: intN, ip: tN },
	face_references: {
		id: serial,
		person_id: int,
		source: t,
		image_enc: { pg: 'bytea' },
		embedding_enc: { pg: 'bytea' },
		status: t,
		created_at: ts,
		confirmed_by: intN,
		confirmed_at: tsN
	},
	face_checks: {
		id: serial,
		person_id: int,
		context: t,
		enrolment_id: intN,
		lesson_id: intN,
		study_check_id: intN,
		attempt_id: intN,
		reference_id: intN,
		at: ts,
		outcome: t,
		score: { pg: 'numeric', null: true },
		real: { pg: 'numeric', null: true },
		live: { pg: 'numeric', null: true },
		image_sha256: tN,
		image_enc: { pg: 'bytea', null: true },
		embedding_enc: { pg: 'bytea', null: true },
		kept_for_finding: boolD,
		live_class_id: intN
	},
	face_reviews: { id: serial, check_id: int, decision: t, decided_by: int, at: ts, note: tN },
	face_signins: { id: serial, person_id: int, recorded_by: int, org_id: int, at: ts, note: tN },
	live_classes: {
		id: serial,
		owner_org_id: int,
		title: t,
		lecturer_user_id: int,
		starts_at: ts,
		ends_at: ts,
		audience: j,
		credit_hours: { pg: 'numeric' },
		signin_before_minutes: int,
		signin_after_minutes: int,
		replay_rule: t,
		playback_name: t,
		replay_file: tN,
		replay_seconds: intN,
		cancelled_at: tsN,
		created_by: int,
		created_at: ts,
		rollcall_rule: jN,
		course_id: intN
	},
	live_stream_keys: { id: serial, class_id: int, key_hash: t, expires_at: ts, revoked_at: tsN, created_by: int, created_at: ts },
	live_stream_events: { id: { pg: 'bigint', gen: true }, class_id: intN, at: ts, kind: t, reason: tN, addr: tN },
	live_stream_periods: { id: serial, class_id: int, started_at: ts, ended_at: tsN },
	live_attendance: {
		class_id: int,
		person_id: int,
		signed_in_at: tsN,
		late: boolD,
		tab_id: t,
		mode: t,
		last_beat_at: ts,
		released_at: tsN,
		version: { pg: 'integer', gen: true },
		live_seconds: { pg: 'integer', gen: true },
		replay_seconds: { pg: 'integer', gen: true },
		watched_seconds: { pg: 'numeric', gen: true },
		first_at: ts,
		last_at: ts,
		held_seconds: { pg: 'integer', gen: true },
		held_roll_call_id: intN,
		face_pending: boolD
	},
	live_beats: {
		id: { pg: 'bigint', gen: true },
		class_id: int,
		person_id: int,
		at: ts,
		tab_id: tN,
		kind: t,
		mode: t,
		credited_seconds: { pg: 'integer', gen: true },
		reason: tN,
		position: { pg: 'numeric', null: true },
		ip: tN,
		device: tN
	},
	live_roll_calls: { id: serial, class_id: int, issued_at: ts, deadline_at: ts, issued_by: intN, auto: boolD },
	live_roll_call_answers: { roll_call_id: int, person_id: int, answered_at: ts, on_time: bool },
	live_questions: {
		id: serial,
		class_id: int,
		person_id: int,
		body: t,
		created_at: ts,
		status: { pg: 'text', gen: true },
		moderated_by: intN,
		moderated_at: tsN,
		answer: tN,
		answered_on_air: boolD,
		answered_by: intN,
		answered_at: tsN
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
// A column with a default may be left out on insert; timestamps keep their Date/string types.
type GenOf<T> = T extends ColumnType<infer Sel, infer Ins, infer Upd> ? ColumnType<Sel, Ins | undefined, Upd> : Generated<T>;
type NullOf<S, V> = S extends { null: true } ? V | null : V;
// jsonb is written as the value or its JSON text; a text vocabulary only as one of its values.
type ShapedOf<S extends ColSpec, V> = S['pg'] extends 'jsonb' ? ColumnType<NullOf<S, V>, NullOf<S, V | string>, NullOf<S, V | string>> : NullOf<S, V>;
type ColumnOf<S> = S extends ColSpec
	? S extends Shaped<infer V>
		? S extends { gen: true }
			? GenOf<ShapedOf<S, V>>
			: ShapedOf<S, V>
		: S extends { gen: true }
			? GenOf<Nullable<S>>
			: Nullable<S>
	: never;

export type DB = {
	[T in keyof typeof schema]: { -readonly [C in keyof (typeof schema)[T]]: ColumnOf<(typeof schema)[T][C]> };
};
