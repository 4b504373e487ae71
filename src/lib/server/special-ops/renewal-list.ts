// The 换证 expiry list (19号令: 6-year certificates renewed at expiry, FACTS §4 [二手]): issued
// 特种作业操作证 expiring within 90 days or expired within the last year and not yet replaced.
import type { Db } from '../db/index.ts';
import { addDays, daysBetween } from '../certificates/rules.ts';
import { EXPIRY_BUCKET_LABELS, expiryBucket, RENEWAL_NOTICE_DAYS } from './certificate-rules.ts';
import { listExpiringSpecialWork } from './so-certificates.repository.ts';

const RENEWAL_STATUS_LABELS: Record<string, string> = { submitted: '换证申请待审核', returned: '换证申请退回补正', accepted: '换证申请已受理', refused: '换证申请不予受理', withdrawn: '换证申请已撤回' };

export async function listRenewals(db: Db, by: { holderOrgId?: number; institutionOrgId?: number }, today: string) {
	const rows = await listExpiringSpecialWork(db, by, addDays(today, RENEWAL_NOTICE_DAYS[0]), addDays(today, -365));
	return rows.map((r) => {
		const bucket = expiryBucket(r.valid_until!, today)!;
		return {
			id: r.id,
			number: r.number,
			name: r.person_name,
			org: r.org_name,
			operation: r.operation_name,
			operationCode: r.special_operation_code,
			validUntil: r.valid_until!,
			daysLeft: daysBetween(today, r.valid_until!),
			bucket,
			bucketLabel: EXPIRY_BUCKET_LABELS[bucket],
			renewal: r.renewal_status ? (RENEWAL_STATUS_LABELS[r.renewal_status] ?? r.renewal_status) : null,
			renewalLive: r.renewal_status !== null && ['submitted', 'returned', 'accepted'].includes(r.renewal_status)
		};
	});
}
