/**
 * Writes main/formats/andotp/fixtures/ (run: npx tsx scripts/import-fixtures/andotp.ts).
 * The plain JSON is written here; the encrypted files are made by Debian's Python with
 * python3-cryptography (AESGCM, PBKDF2HMAC) and hashlib, so our decryption is checked against an
 * independent implementation rather than against itself.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDraft } from '../../shared/account.js';
import { encodeBase32 } from '../../main/otp/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/andotp/fixtures');
const PASSWORD = 'Latchkey andOTP tëst ✓';

/** Base32 with `=` padding, as andOTP writes it. */
function padded(bytes: Uint8Array): string {
  const plain = encodeBase32(bytes);
  return plain.padEnd(Math.ceil(plain.length / 8) * 8, '=');
}

/** An entry as andOTP ≥ 0.6 writes it (issuer key present). */
function newEntry(account: AccountDraft, index: number): Record<string, unknown> {
  return {
    secret: padded(account.secret),
    issuer: account.issuer,
    label: account.label,
    digits: account.digits,
    type: account.type.toUpperCase(),
    algorithm: account.algorithm,
    thumbnail: 'Default',
    last_used: 1_700_000_000_000 + index,
    used_frequency: index,
    ...(account.type === 'hotp' ? { counter: Number(account.counter) } : { period: account.period }),
    tags: index % 4 === 0 ? ['Work'] : index === 5 ? ['Home', 'Banking'] : [],
  };
}

/** An entry as old andOTP wrote it: no issuer key, the label "Issuer - Issuer:Account". */
function oldEntry(account: AccountDraft): Record<string, unknown> {
  return {
    secret: padded(account.secret),
    label: `${account.issuer} - ${account.issuer}:${account.label}`,
    digits: account.digits,
    type: account.type.toUpperCase(),
    algorithm: account.algorithm,
    ...(account.type === 'hotp' ? { counter: Number(account.counter) } : { period: account.period }),
  };
}

const golden = JSON.stringify(Array.from({ length: 12 }, (_, i) => newEntry(goldenAccount(i), i)));
const oldLabels = JSON.stringify([12, 13, 14, 15].map((i) => oldEntry(goldenAccount(i))));
const steamSecret = padded(goldenAccount(14).secret.slice(0, 16));
const extras = `[${[
  JSON.stringify({ secret: steamSecret, issuer: 'Steam', label: 'gaben', digits: 5, type: 'STEAM', algorithm: 'SHA1', tags: ['Games'] }),
  JSON.stringify({ secret: padded(goldenAccount(15).secret), label: 'Steam - Steam:alt', digits: 5, type: 'steam', algorithm: 'SHA1', period: 30 }),
  JSON.stringify({ secret: padded(goldenAccount(16).secret), issuer: 'Old', label: 'motp', digits: 6, type: 'MOTP', algorithm: 'MD5', period: 10 }),
  JSON.stringify({ secret: 'NOT*BASE32', issuer: 'Broken', label: 'secret', digits: 6, type: 'TOTP', algorithm: 'SHA1', period: 30 }),
  '42',
  `{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "secret": "${padded(goldenAccount(17).secret)}", "issuer": "Strings", "label": "digits as text", "digits": "8", "type": "TOTP", "algorithm": "SHA256", "period": 30, "tags": ["Work", "Home"]}`,
  JSON.stringify({ secret: padded(goldenAccount(18).secret), issuer: 'Counter', label: 'negative', digits: 6, type: 'HOTP', algorithm: 'SHA1', counter: -1 }),
  JSON.stringify({ secret: padded(goldenAccount(19).secret), issuer: 'Digits', label: 'boolean', digits: true, type: 'TOTP', algorithm: 'SHA1', period: 30 }),
].join(',')}]`;

const PYTHON_ENCRYPT = `
import base64, hashlib, json, os, struct, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

job = json.load(sys.stdin)
plain = base64.b64decode(job["plaintext"])
password = job["password"].encode("utf-8")
if job["layout"] == "new":
    iterations = job["iterations"]
    salt, nonce = os.urandom(12), os.urandom(12)
    key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=iterations).derive(password)
    out = struct.pack(">I", iterations) + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)
else:
    prefix = bytes.fromhex(job.get("noncePrefix", ""))
    nonce = prefix + os.urandom(12 - len(prefix))
    key = hashlib.sha256(password).digest()
    out = nonce + AESGCM(key).encrypt(nonce, plain, None)
sys.stdout.write(base64.b64encode(out).decode())
`;

interface EncryptJob {
  readonly layout: 'new' | 'old';
  readonly iterations?: number;
  readonly noncePrefix?: string;
}

function encryptWithPython(plaintext: string, job: EncryptJob): Buffer {
  const input = JSON.stringify({ ...job, plaintext: Buffer.from(plaintext, 'utf8').toString('base64'), password: PASSWORD });
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON_ENCRYPT], { input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed (is python3-cryptography installed?): ${run.stderr}`);
  return Buffer.from(run.stdout, 'base64');
}

writeFileSync(join(OUT, 'golden.json'), golden);
writeFileSync(join(OUT, 'old-labels.json'), oldLabels);
writeFileSync(join(OUT, 'extras.json'), extras);
writeFileSync(join(OUT, 'golden-new.json.aes'), encryptWithPython(golden, { layout: 'new', iterations: 145_776 }));
writeFileSync(join(OUT, 'golden-new-fast.json.aes'), encryptWithPython(golden, { layout: 'new', iterations: 1000 }));
writeFileSync(join(OUT, 'golden-old.json.aes'), encryptWithPython(golden, { layout: 'old' }));
// A nonce whose first bytes read as 1000 iterations: the new layout is tried (and fails) first.
writeFileSync(join(OUT, 'old-labels-old-header-like.json.aes'), encryptWithPython(oldLabels, { layout: 'old', noncePrefix: '000003e8' }));
console.log('wrote andOTP fixtures');
