/**
 * Writes main/formats/aegis/fixtures/ (run: npx tsx scripts/import-fixtures/aegis.ts).
 *
 * The content (the vault's `db`) is built here from the golden set, following Aegis's documented
 * format. Every encrypted file is sealed by an independent implementation: Debian's Python with
 * `hashlib.scrypt` and `cryptography`'s AESGCM, so our TypeScript decryptor is checked against it.
 * Keys, salts and nonces are derived from a per-file seed so that re-running gives the same files
 * (fine for fixtures; a real vault uses fresh random ones).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBase32 } from '../../main/otp/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/aegis/fixtures');
const PASSWORD = 'aegis-fixture-password';
const BACKUP_PASSWORD = 'aegis-fixture-backup-password';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function uuidFor(label: string): string {
  const hex = sha256(`uuid/${label}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const GROUPS = { work: uuidFor('group/work'), personal: uuidFor('group/personal'), missing: uuidFor('group/deleted') };

interface EntryOptions {
  readonly version: number;
  readonly icon?: Buffer;
}

/** Golden account `i` as an Aegis entry. Groups: i%3==0 Work; i%3==1 Work+Personal; else none (v3 also a dangling UUID). */
function goldenEntry(i: number, { version, icon }: EntryOptions): Record<string, unknown> {
  const a = goldenAccount(i);
  const info = { secret: encodeBase32(a.secret), algo: a.algorithm, digits: a.digits, ...(a.type === 'hotp' ? { counter: Number(a.counter) } : { period: a.period }) };
  const grouping =
    version >= 3
      ? { groups: i % 3 === 0 ? [GROUPS.work] : i % 3 === 1 ? [GROUPS.work, GROUPS.personal] : [GROUPS.missing] }
      : { group: i % 3 === 0 ? 'Work' : i % 3 === 1 ? 'Personal' : null };
  return {
    type: a.type,
    uuid: uuidFor(`entry/${String(i)}`),
    name: a.label,
    issuer: a.issuer,
    ...(version >= 2 ? { note: i === 0 ? 'golden account 0' : '', favorite: i === 1 } : {}),
    icon: icon === undefined ? null : icon.toString('base64'),
    icon_mime: icon === undefined ? null : 'image/png',
    icon_hash: icon === undefined ? null : createHash('sha256').update(icon).digest('hex'),
    info,
    ...grouping,
  };
}

const motpEntry = {
  type: 'motp',
  uuid: uuidFor('entry/motp'),
  name: 'mobile-otp@example.com',
  issuer: 'mOTP',
  note: '',
  favorite: false,
  icon: null,
  icon_mime: null,
  icon_hash: null,
  info: { secret: encodeBase32(sha256('motp').subarray(0, 8)), algo: 'MD5', digits: 6, period: 10, pin: '1234' },
  groups: [],
};

const yandexEntry = {
  type: 'yandex',
  uuid: uuidFor('entry/yandex'),
  name: 'yandex@example.com',
  issuer: 'Yandex',
  note: '',
  favorite: false,
  icon: null,
  icon_mime: null,
  icon_hash: null,
  info: { secret: encodeBase32(sha256('yandex').subarray(0, 16)), algo: 'SHA256', digits: 8, period: 30, pin: '5239' },
  groups: [GROUPS.personal],
};

const steamEntry = {
  type: 'steam',
  uuid: uuidFor('entry/steam'),
  name: 'gamer',
  issuer: 'Steam',
  group: 'Games',
  icon: null,
  info: { secret: encodeBase32(sha256('steam').subarray(0, 20)), algo: 'SHA1', digits: 5, period: 30 },
};

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function contentV3(indexes: readonly number[], options: { icons?: boolean; extras?: boolean } = {}): Record<string, unknown> {
  const entries: unknown[] = indexes.map((i) => goldenEntry(i, { version: 3, ...(options.icons === true ? { icon: fakeIcon(i) } : {}) }));
  if (options.extras === true) {
    entries.splice(4, 0, motpEntry);
    entries.push(yandexEntry);
  }
  return {
    version: 3,
    entries,
    groups: [
      { uuid: GROUPS.work, name: 'Work' },
      { uuid: GROUPS.personal, name: 'Personal' },
    ],
  };
}

/** 8 KiB of stand-in icon bytes (a PNG signature, then hash output): enough to push the db past 64 KiB. */
function fakeIcon(i: number): Buffer {
  const parts = [Buffer.from('89504e470d0a1a0a', 'hex')];
  for (let k = 0; parts.length < 257; k++) parts.push(sha256(`icon/${String(i)}/${String(k)}`));
  return Buffer.concat(parts).subarray(0, 8192);
}

const plain = (db: unknown) => `${JSON.stringify({ version: 1, header: { slots: null, params: null }, db }, null, 4)}\n`;

interface SlotSpec {
  readonly type: number;
  readonly password?: string;
  readonly n?: number;
  readonly r?: number;
  readonly p?: number;
  readonly is_backup?: boolean;
}

/** The Python side: scrypt the slot passwords, wrap one master key per slot, seal the content. */
const PYTHON = String.raw`
import base64, hashlib, json, sys, uuid
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

spec = json.load(sys.stdin)

def det(label, n):
    out, c = b'', 0
    while len(out) < n:
        out += hashlib.sha256(('%s/%s/%d' % (spec['seed'], label, c)).encode()).digest()
        c += 1
    return out[:n]

def seal(key, nonce, data):
    sealed = AESGCM(key).encrypt(nonce, data, None)
    return sealed[:-16], sealed[-16:]   # Aegis keeps the tag apart from the ciphertext

master = det('master-key', 32)
slots = []
for i, s in enumerate(spec['slots']):
    nonce = det('slot%d-nonce' % i, 12)
    slot = {'type': s['type'], 'uuid': str(uuid.UUID(bytes=det('slot%d-uuid' % i, 16), version=4))}
    if s['type'] == 1:
        salt = det('slot%d-salt' % i, 32)
        kek = hashlib.scrypt(s['password'].encode('utf-8'), salt=salt, n=s['n'], r=s['r'], p=s['p'], maxmem=256 * 1024 * 1024, dklen=32)
        key, tag = seal(kek, nonce, master)
        slot.update({'key': key.hex(), 'key_params': {'nonce': nonce.hex(), 'tag': tag.hex()},
                     'n': s['n'], 'r': s['r'], 'p': s['p'], 'salt': salt.hex(), 'repaired': True, 'is_backup': s.get('is_backup', False)})
    else:
        # A biometric slot wraps the master key under an Android Keystore key we can never have.
        key, tag = seal(det('slot%d-keystore' % i, 32), nonce, master)
        slot.update({'key': key.hex(), 'key_params': {'nonce': nonce.hex(), 'tag': tag.hex()}})
    slots.append(slot)

db_nonce = det('db-nonce', 12)
ciphertext, tag = seal(master, db_nonce, spec['content'].encode('utf-8'))
doc = {'version': 1, 'header': {'slots': slots, 'params': {'nonce': db_nonce.hex(), 'tag': tag.hex()}},
       'db': base64.b64encode(ciphertext).decode('ascii')}
# Aegis's JSON writer escapes '/' as '\/'; '/' only occurs inside JSON strings, so this stays valid JSON.
sys.stdout.write(json.dumps(doc, indent=4, ensure_ascii=False).replace('/', '\\/') + '\n')
`;

function encrypted(seed: string, slots: readonly SlotSpec[], content: unknown): string {
  return execFileSync('/usr/bin/python3', ['-c', PYTHON], { input: JSON.stringify({ seed, slots, content: JSON.stringify(content) }), encoding: 'utf8' });
}

const realistic = { n: 32768, r: 8, p: 1 };
const small = { n: 1024, r: 8, p: 1 };

writeFileSync(join(OUT, 'plain-v3.json'), plain(contentV3(range(12), { extras: true })));
writeFileSync(join(OUT, 'plain-v1.json'), plain({ version: 1, entries: [...range(6).map((i) => goldenEntry(i, { version: 1 })), steamEntry] }));
writeFileSync(
  join(OUT, 'encrypted.json'),
  encrypted(
    'encrypted',
    [{ type: 2 }, { type: 1, password: PASSWORD, ...realistic }, { type: 1, password: BACKUP_PASSWORD, is_backup: true, ...realistic }],
    contentV3(range(12)),
  ),
);
writeFileSync(join(OUT, 'encrypted-small.json'), encrypted('encrypted-small', [{ type: 1, password: PASSWORD, ...small }, { type: 2 }], contentV3(range(4))));
writeFileSync(join(OUT, 'encrypted-icons.json'), encrypted('encrypted-icons', [{ type: 1, password: PASSWORD, ...small }], contentV3(range(12), { icons: true })));
console.log('wrote aegis fixtures');
