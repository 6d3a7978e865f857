/**
 * Writes main/formats/two-fas/fixtures/ (run: npx tsx scripts/import-fixtures/two-fas.ts).
 * Composed from shared/formats/twofas.md. The encrypted files are sealed by Debian's Python with
 * python3-cryptography (PBKDF2HMAC + AESGCM), so our decryption is checked against another tool.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDraft } from '../../shared/account.js';
import { formatOtpauthUri } from '../../main/enroll/index.js';
import { encodeBase32 } from '../../main/otp/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';
import { DEBIAN_PYTHON, pythonHas, runPython } from '../../main/test-support/python-peer.js';

const OUT = join(REPO_ROOT, 'main/formats/two-fas/fixtures');
const TWOFAS_FIXTURE_PASSWORD = 'Latchkey fixture: pässwörd ✓';
/** 2fas-android's BackupContent.Reference: the public constant every encrypted backup seals as its password check. */
const REFERENCE =
  'tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd';
const GROUPS = [
  { id: '6b3f2c1e-0a4d-4e55-9f1b-2d7c8e9a0b11', name: 'Work', isExpanded: true, updatedAt: 1_700_000_000_000 },
  { id: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e22', name: 'Personal', isExpanded: false, updatedAt: 1_700_000_000_000 },
];
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

type Json = Record<string, unknown>;

/** One service object as 2FAS schema `version` writes it (Kotlin writes absent values as null). */
function service(account: AccountDraft, version: number, position: number, groupId: string | null = null): Json {
  const otp: Json = { label: version >= 4 ? account.label : `${account.issuer}:${account.label}`, account: account.label, issuer: account.issuer };
  if (version >= 2) {
    otp['digits'] = account.digits;
    otp['period'] = account.type === 'hotp' ? 30 : account.period;
    otp['algorithm'] = account.algorithm;
    otp['counter'] = account.type === 'hotp' ? Number(account.counter) : 0;
  }
  if (version >= 3) {
    otp['tokenType'] = account.type.toUpperCase();
    otp['source'] = 'Link';
  }
  if (version >= 4) otp['link'] = formatOtpauthUri(account);
  return {
    name: account.issuer,
    secret: encodeBase32(account.secret),
    updatedAt: 1_700_000_000_000 + position,
    serviceTypeID: null,
    otp,
    order: { position },
    badge: version >= 2 ? { color: 'Default' } : null,
    icon: version >= 3 ? { selected: 'Label', brand: null, label: { text: account.issuer.slice(0, 2).toUpperCase(), backgroundColor: 'Orange' }, iconCollection: { id: 'a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad' } } : null,
    groupId: version >= 2 ? groupId : null,
  };
}

function backup(version: number, services: Json[], extra: Json = {}): Json {
  return {
    services,
    groups: version >= 2 ? GROUPS : [],
    updatedAt: 1_700_000_000_000,
    schemaVersion: version,
    appVersionCode: 5_000_000 + version,
    appVersionName: `5.${String(version)}.0`,
    appOrigin: 'android',
    account: null,
    ...extra,
  };
}

const golden = (indexes: number[], version: number): Json[] =>
  indexes.map((i, position) => service(goldenAccount(i), version, position, version >= 2 ? groupFor(i) : null));
const groupFor = (i: number): string | null => (i % 3 === 2 ? null : (GROUPS[i % 3]?.id ?? null));
const write = (name: string, value: unknown, pretty = true): void => {
  writeFileSync(join(OUT, name), `${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
};

/** Per-entry problems beside good entries, and `__proto__`/`constructor` keys at every level. */
function writeMixed(): void {
  const bait = (): Json => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as Json;
  const steam: AccountDraft = { type: 'steam', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'Steam', label: 'gamer', secret: Uint8Array.from(range(0, 20), (k) => (k * 13 + 5) % 256) };
  const withOtp = (entry: Json, otp: Json): Json => ({ ...entry, otp: { ...(entry['otp'] as Json), ...otp } });
  const spaced = service(goldenAccount(1), 4, 5);
  const secretOne = encodeBase32(goldenAccount(1).secret).toLowerCase().replace(/(.{4})/g, '$1 ').replace(' ', '-');
  const entries: Json[] = [
    service(goldenAccount(0), 4, 0),
    service(steam, 4, 1),
    withOtp(service(goldenAccount(4), 4, 2), { algorithm: 'SHA224' }),
    withOtp(service(goldenAccount(5), 4, 3), { tokenType: 'YAOTP' }),
    { ...service(goldenAccount(6), 4, 4), secret: 'NOT*BASE32!' },
    { ...withOtp(spaced, { issuer: goldenAccount(1).issuer }), name: '', secret: secretOne },
    { name: 'Broken', secret: 12345, updatedAt: 0, order: { position: 6 } },
    withOtp(service(goldenAccount(7), 4, 7), { digits: 12 }),
    { ...bait(), ...service(goldenAccount(2), 4, 8, '__proto__'), otp: { ...bait(), ...(service(goldenAccount(2), 4, 8)['otp'] as Json) } },
  ];
  const groups = [...GROUPS, { ...bait(), id: '__proto__', name: 'Tricky', isExpanded: true, updatedAt: 0 }, { id: 42 }];
  write('mixed-entries-v4.2fas', { ...bait(), ...backup(4, entries), groups });
}

function writeEncrypted(): void {
  if (!pythonHas('cryptography')) throw new Error(`${DEBIAN_PYTHON} with python3-cryptography is needed to seal the encrypted fixtures`);
  const services = golden(range(0, 12), 4);
  const sealed = seal(JSON.stringify(services), REFERENCE, 1);
  write('encrypted-v4.2fas', backup(4, [], { servicesEncrypted: sealed.services, reference: sealed.reference }), false);
  // Without a reference nothing tells a wrong password from damage: see two-fas-crypto.ts.
  const bare = seal(JSON.stringify(golden(range(0, 6), 3)), null, 2);
  write('encrypted-no-reference-v3.2fas', backup(3, [], { servicesEncrypted: bare.services }), false);
}

/** Deterministic salt and nonces (so a re-run rewrites the same bytes); Python derives and seals. */
function seal(services: string, reference: string | null, seed: number): { services: string; reference?: string } {
  const bytes = (length: number, salt: number): string => Buffer.from(Uint8Array.from(range(0, length), (k) => (k * 73 + salt * 29 + seed * 101) % 256)).toString('hex');
  const request = { password: TWOFAS_FIXTURE_PASSWORD, iterations: 10_000, salt: bytes(256, 1), services, servicesIv: bytes(12, 2), reference, referenceIv: bytes(12, 3) };
  return runPython(PYTHON_SEAL, request) as { services: string; reference?: string };
}

const PYTHON_SEAL = `
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

req = json.load(sys.stdin)
salt = bytes.fromhex(req["salt"])
key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=req["iterations"]).derive(req["password"].encode("utf-8"))

def seal(text, iv_hex):
    iv = bytes.fromhex(iv_hex)
    data = AESGCM(key).encrypt(iv, text.encode("utf-8"), None)  # ciphertext with the 16-byte tag appended
    return ":".join(base64.b64encode(part).decode("ascii") for part in (data, salt, iv))

out = {"services": seal(req["services"], req["servicesIv"])}
if req["reference"] is not None:
    out["reference"] = seal(req["reference"], req["referenceIv"])
print(json.dumps(out))
`;

// Schema 1 carries no parameters: only golden accounts that are TOTP/SHA1/6/30 (0, 6, 12, 18) fit.
// Its entries have no `account`, so the name comes from the "Issuer:Account" label.
write(
  'plain-v1.json',
  backup(1, golden([0, 6, 12, 18], 1).map((entry) => ({ ...entry, otp: { label: (entry['otp'] as Json)['label'], issuer: (entry['otp'] as Json)['issuer'] } }))),
);
// Schema 2 has parameters but no token type: golden 3 and 10 (HOTP) come out as TOTP, as 2FAS reads them.
write('plain-v2.json', backup(2, golden(range(0, 12), 2)));
write('plain-v3.2fas', backup(3, golden(range(0, 12), 3)));
write('plain-v4.2fas', backup(4, golden(range(0, 12), 4)));
writeMixed();
writeEncrypted();
console.log('wrote two-fas fixtures');
