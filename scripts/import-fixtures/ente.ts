/**
 * Writes main/formats/ente/fixtures/ (run: npx tsx scripts/import-fixtures/ente.ts).
 *
 * The plain exports are written here in Ente's style. The encrypted ones are made by an independent
 * implementation: Debian's /usr/bin/python3 with PyNaCl (package python3-nacl), i.e. Python's binding
 * of the C libsodium, so our TypeScript decryption (libsodium.js) is checked against another stack.
 * Salts and stream headers are random: every run writes different encrypted files.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDraft } from '../../shared/account.js';
import { formatOtpauthUri } from '../../main/enroll/index.js';
import { encodeBase32 } from '../../main/otp/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/ente/fixtures');
/** The encrypted fixtures' password (also in fixtures/README.md); non-ASCII on purpose (UTF-8). */
const PASSWORD = 'latchkey ente fixture ☃';
const MiB = 1024 * 1024;

/** Ente's CodeDisplay, in the order Ente writes its fields. */
interface CodeDisplay {
  readonly pinned?: boolean;
  readonly trashed?: boolean;
  readonly lastUsedAt?: number;
  readonly tapCount?: number;
  readonly tags?: readonly string[];
  readonly note?: string;
}

function codeDisplay(display: CodeDisplay): string {
  const full = { pinned: false, trashed: false, lastUsedAt: 0, tapCount: 0, tags: [] as readonly string[], ...display };
  return `codeDisplay=${encodeURIComponent(JSON.stringify(full))}`;
}

/** Query values form-encoded as Ente writes them (`issuer=Air+Canada`). */
const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
const path = (account: AccountDraft) => `${encodeURIComponent(account.issuer)}:${encodeURIComponent(account.label)}`;

/** A code made in Ente: upper-case algorithm, `counter` or `period`, codeDisplay last. */
function enteWritten(account: AccountDraft, display: CodeDisplay): string {
  const last = account.type === 'hotp' ? `counter=${account.counter.toString()}` : `period=${String(account.period)}`;
  const query = [`secret=${encodeBase32(account.secret)}`, `issuer=${form(account.issuer)}`, `algorithm=${account.algorithm}`, `digits=${String(account.digits)}`, last, codeDisplay(display)];
  return `otpauth://${account.type}/${path(account)}?${query.join('&')}`;
}

/**
 * A code Ente keeps as the URI it was given and rewrites with its Dart enum names: lower-case
 * algorithm, parameters in alphabetical order, `period=30` even on HOTP, `counter` after the secret.
 */
function enteRaw(account: AccountDraft, display: CodeDisplay): string {
  const period = account.type === 'hotp' ? 30 : account.period;
  const query = [`algorithm=${account.algorithm.toLowerCase()}`, `digits=${String(account.digits)}`, `issuer=${form(account.issuer)}`, `period=${String(period)}`, `secret=${encodeBase32(account.secret)}`];
  if (account.type === 'hotp') query.push(`counter=${account.counter.toString()}`);
  query.push(codeDisplay(display));
  return `otpauth://${account.type}/${path(account)}?${query.join('&')}`;
}

/** Golden accounts 0–11: even ones as Ente writes them, odd ones as Ente keeps raw URIs; tags on a few. */
function goldenExport(): string {
  const lines = Array.from({ length: 12 }, (_, i) => {
    const account = goldenAccount(i);
    const display: CodeDisplay = {
      pinned: i === 0,
      lastUsedAt: i * 1_000_000_007,
      tapCount: i * 3,
      tags: i === 1 ? ['Work'] : i === 4 ? ['Work', 'Cloud'] : [],
      ...(i === 5 ? { note: 'recovery codes in the safe' } : {}),
    };
    return i % 2 === 0 ? enteWritten(account, display) : enteRaw(account, display);
  });
  // Ente's exports end with a newline; a blank line in the middle is tolerated as well.
  return `${lines.slice(0, 6).join('\n')}\n\n${lines.slice(6).join('\n')}\n`;
}

/** Not golden: Steam on the `steam` host, a raw `#`, Ente's trash, a broken codeDisplay, a bad secret. */
function quirksExport(): string {
  const steam: AccountDraft = { type: 'steam', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'Steam', label: 'gamer', secret: Uint8Array.from({ length: 10 }, (_, k) => k + 1) };
  const shop: AccountDraft = { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Shop', label: 'me', secret: Uint8Array.from({ length: 10 }, (_, k) => 100 + k) };
  const old: AccountDraft = { ...shop, issuer: 'Old Forum', label: 'retired', secret: Uint8Array.from({ length: 10 }, (_, k) => 200 - k) };
  return [
    `${formatOtpauthUri(steam, 'host')}&${codeDisplay({ tags: ['Games'] })}`,
    // Ente leaves a '#' in a label as it is.
    `otpauth://totp/Shop:me#1?secret=${encodeBase32(shop.secret)}&issuer=Shop&algorithm=SHA1&digits=6&period=30&${codeDisplay({})}`,
    enteWritten(old, { trashed: true, tags: ['Archive'], note: 'deleted in Ente' }),
    `otpauth://totp/Broken:display?secret=${encodeBase32(shop.secret)}&issuer=Broken&codeDisplay=%7Bnot-json`,
    `otpauth://totp/Bad:secret?secret=NOT*BASE32&issuer=Bad&${codeDisplay({})}`,
    formatOtpauthUri({ ...shop, issuer: 'Plain', label: 'no display' }),
    '',
  ].join('\n');
}

interface Job {
  readonly name: string;
  readonly plaintext: string;
  readonly opsLimit: number;
  readonly memLimit: number;
  readonly tag: 'final' | 'message';
}

const PYTHON = String.raw`
import base64, json, sys
import nacl.bindings as b
import nacl.pwhash
import nacl.utils

out = {}
for job in json.load(sys.stdin):
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    key = nacl.pwhash.argon2id.kdf(32, job["password"].encode("utf-8"), salt, opslimit=job["opsLimit"], memlimit=job["memLimit"])
    state = b.crypto_secretstream_xchacha20poly1305_state()
    header = b.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    tag = b.crypto_secretstream_xchacha20poly1305_TAG_FINAL if job["tag"] == "final" else b.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
    data = b.crypto_secretstream_xchacha20poly1305_push(state, job["plaintext"].encode("utf-8"), None, tag)
    out[job["name"]] = {
        "salt": base64.b64encode(salt).decode(),
        "encryptedData": base64.b64encode(data).decode(),
        "encryptionNonce": base64.b64encode(header).decode(),
    }
json.dump(out, sys.stdout)
`;

function encryptWithPyNaCl(jobs: readonly Job[]): Record<string, { salt: string; encryptedData: string; encryptionNonce: string } | undefined> {
  const input = JSON.stringify(jobs.map((job) => ({ ...job, password: PASSWORD })));
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON], { input, encoding: 'utf8', maxBuffer: 16 * MiB });
  if (run.status !== 0) throw new Error(`python3/PyNaCl failed (install python3-nacl): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, { salt: string; encryptedData: string; encryptionNonce: string } | undefined>;
}

const golden = goldenExport();
writeFileSync(join(OUT, 'plain-golden.txt'), golden);
writeFileSync(join(OUT, 'plain-quirks.txt'), quirksExport());

const jobs: Job[] = [
  { name: 'encrypted-golden.json', plaintext: golden, opsLimit: 2, memLimit: 64 * MiB, tag: 'final' },
  // Ente's first choice (256 MiB x 16); its device fallback halves memory and doubles passes.
  { name: 'encrypted-ente-default.json', plaintext: golden, opsLimit: 16, memLimit: 256 * MiB, tag: 'final' },
  { name: 'encrypted-not-final.json', plaintext: golden, opsLimit: 1, memLimit: 8 * MiB, tag: 'message' },
  { name: 'encrypted-empty.json', plaintext: '', opsLimit: 1, memLimit: 8 * MiB, tag: 'final' },
];
const sealed = encryptWithPyNaCl(jobs);
for (const job of jobs) {
  const box = sealed[job.name];
  if (box === undefined) throw new Error(`PyNaCl wrote nothing for ${job.name}`);
  // Ente's field order; Dart's jsonEncode writes no spaces.
  const file = { version: 1, kdfParams: { memLimit: job.memLimit, opsLimit: job.opsLimit, salt: box.salt }, encryptedData: box.encryptedData, encryptionNonce: box.encryptionNonce };
  writeFileSync(join(OUT, job.name), JSON.stringify(file));
}
console.log('wrote ente fixtures');
