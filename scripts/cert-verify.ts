// npm run cert:verify -- <certificate.pdf | number signature> [--keys file|url] [--status file|url] [--payload file] [--server url]
// Checks certificates offline: the signatures against the published keys (/.well-known/anxun-keys.json)
// and revocation against the signed status list (/.well-known/anxun-status.json). No database is
// opened. Keys and status list are read from files when given, else fetched once from --server.
// Exit code 0: every certificate signed correctly and not revoked; 1: something failed; 2: usage.
// scripts/build-verifier.mjs bundles this file into the single download anxun-cert-verify.mjs for
// verifiers (Node.js >= 18, no npm), without the statements labelled DEV.
import { readFileSync } from 'node:fs';
import { extractPhotosFromPdf, extractSignedFromPdf } from '../src/lib/server/certificates/embedded-signed.ts';
import {
	bitAt,
	checkSignedCertificate,
	checkStatusList,
	hashPhoto,
	parseSignedCertificate,
	SIGNATURE_CHECK_LABELS,
	type PublishedKeys,
	type SignedCertificate,
	type SignedStatusList
} from '../src/lib/server/certificates/signature.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return null;
	const v = args[i + 1];
	args.splice(i, 2);
	return v ?? null;
};
const keysSrc = opt('keys');
const statusSrc = opt('status');
const payloadSrc = opt('payload');
// As the downloaded tool (scripts/build-verifier.mjs) it knows no platform address and speaks to verifiers;
// the bundler drops the statements labelled DEV, which make this the developer's `npm run cert:verify`.
let defaultServer = '';
let usageLines = [
	'用法：node anxun-cert-verify.mjs 证书.pdf --keys anxun-keys.json --status anxun-status.json',
	'      （anxun-keys.json 是发证机关公钥，anxun-status.json 是撤销状态列表，均从核验平台的“证书核验帮助”页下载）',
	'  或：node anxun-cert-verify.mjs 证书编号 签名 --payload 签名数据.json --keys anxun-keys.json --status anxun-status.json',
	'  联网时也可用 --server 平台网址 代替两个文件。'
];
// eslint-disable-next-line no-unused-labels
DEV: {
	defaultServer = process.env.ANXUN_PUBLIC_URL ?? 'http://localhost:3000';
	usageLines = ['用法：npm run cert:verify -- <证书.pdf | 证书编号 签名> [--keys 文件或URL] [--status 文件或URL] [--payload 签名数据.json] [--server URL]'];
}
const server = (opt('server') ?? defaultServer).replace(/\/+$/, '');

function usage(message: string): never {
	console.error(message);
	for (const line of usageLines) console.error(line);
	process.exit(2);
}

async function load(src: string | null, fallbackPath: string): Promise<unknown> {
	const where = src ?? `${server}${fallbackPath}`;
	if (/^https?:\/\//.test(where)) {
		const r = await fetch(where);
		if (!r.ok) throw new Error(`无法获取 ${where}：HTTP ${r.status}`);
		return r.json();
	}
	return JSON.parse(readFileSync(where, 'utf8'));
}

if (args.length === 0 || args.length > 2) usage('请给出一个 PDF 文件，或证书编号和签名两个参数');
if (!server && (!keysSrc || !statusSrc)) usage('请用 --keys 和 --status 给出下载的发证机关公钥和撤销状态列表两个文件');
if (!server && args.length === 2 && !payloadSrc) usage('只有证书编号和签名时，请用 --payload 给出签名数据文件');

let docs: SignedCertificate[];
// the holder photos printed in the PDF (none when checking a number and signature)
let photos: Record<string, Buffer> = {};
try {
	if (args.length === 1) {
		const pdf = readFileSync(args[0]!);
		docs = extractSignedFromPdf(pdf).map(parseSignedCertificate);
		photos = extractPhotosFromPdf(pdf);
	} else {
		const [number, sig] = args as [string, string];
		let signed: SignedCertificate;
		if (payloadSrc) signed = parseSignedCertificate(JSON.parse(readFileSync(payloadSrc, 'utf8')));
		else {
			// the payload is handed out only to whoever presents the signature (the QR code's)
			const body = (await load(`${server}/api/verify/${encodeURIComponent(number)}?s=${encodeURIComponent(sig)}`, '')) as { signed?: unknown };
			if (!body.signed) throw new Error('服务器未返回该证书的签名数据（编号不存在或签名不符）');
			signed = parseSignedCertificate(body.signed);
		}
		if (signed.payload.number !== number) throw new Error(`签名数据属于 ${signed.payload.number}，不是 ${number}`);
		// the signature given on the command line is the one checked
		docs = [{ ...signed, proof: { ...signed.proof, ed25519: { ...signed.proof.ed25519, sig } } }];
	}
} catch (e) {
	console.error(`读取证书失败：${(e as Error).message}`);
	process.exit(1);
}

let keys: PublishedKeys;
let status: SignedStatusList;
try {
	keys = (await load(keysSrc, '/.well-known/anxun-keys.json')) as PublishedKeys;
	status = (await load(statusSrc, '/.well-known/anxun-status.json')) as SignedStatusList;
} catch (e) {
	console.error(`读取公钥或撤销状态列表失败：${(e as Error).message}`);
	process.exit(1);
}
const listCheck = checkStatusList(status, keys);
let failed = false;
if (listCheck !== 'valid') {
	console.log(`撤销状态列表：${SIGNATURE_CHECK_LABELS[listCheck]}——无法判断是否已撤销`);
	failed = true;
}
for (const doc of docs) {
	const p = doc.payload;
	const check = checkSignedCertificate(doc, keys);
	console.log(`证书 ${p.number}（${p.typeName}）`);
	console.log(`  持证人：${p.holderName}  身份证号：${p.idNumberMasked}${p.operationName ? `  作业类别：${p.operationName}` : ''}`);
	console.log(`  发证机关：${p.issuer.name}  发证日期：${p.issuedOn}  有效期至：${p.validUntil}`);
	console.log(`  Ed25519（${doc.proof.ed25519.kid}）：${SIGNATURE_CHECK_LABELS[check.ed25519]}`);
	console.log(`  SM2/SM3（${doc.proof.sm2?.kid ?? '—'}）：${SIGNATURE_CHECK_LABELS[check.sm2]}`);
	if (check.keyNote) console.log(`  ${check.keyNote}`);
	if (!check.ok) failed = true;
	if (p.photoSha256) {
		const photo = photos[p.number];
		if (photo) {
			const same = hashPhoto(photo) === p.photoSha256;
			console.log(`  持证人照片：${same ? '与签名中的照片哈希一致' : '与签名中的照片哈希不符（照片被替换）'}`);
			if (!same) failed = true;
		} else if (args.length === 1) {
			console.log('  持证人照片：PDF 中缺少签名所指的照片');
			failed = true;
		}
	}
	if (listCheck === 'valid') {
		let revoked = false;
		try {
			revoked = bitAt(status.encodedList, p.statusIndex);
		} catch {
			revoked = false;
		}
		console.log(`  撤销状态：${revoked ? '已撤销' : '未撤销'}（状态截至 ${status.publishedAt}）`);
		if (revoked) failed = true;
	}
	const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
	if (p.validUntil < today) console.log(`  注意：有效期已过（${p.validUntil}）`);
}
console.log(failed ? '结论：核验未通过' : '结论：签名有效，未被撤销');
process.exit(failed ? 1 : 0);
