import { describe, expect, it } from 'vitest';
import { peerAvailable, pythonHas, runPython } from '../test-support/python-peer.js';
import { calibrate } from './calibrate.js';
import { KDF_CEILING, KDF_DEFAULT, KDF_FLOOR, KDF_LADDER, type KdfParams } from './kdf-params.js';
import { createWorkerKdf } from './kdf-worker.js';
import { randomBytes } from './random.js';
import { open, rowAssociatedData, seal } from './sealing.js';
import { loadSodium } from './sodium.js';

/** SECURITY-NOTES §9.3: our wrappers against independent implementations, and the KDF's bounds. */
describe.skipIf(!peerAvailable('argon2'))('Argon2id in our worker, against argon2-cffi', () => {
  it('is installed (CI installs python3-argon2)', () => {
    expect(pythonHas('argon2')).toBe(true);
  });

  it('derives the same keys at the floor, for ASCII and non-ASCII passwords', async () => {
    const derive = createWorkerKdf();
    for (const password of ['correct horse battery', 'pässwörd ünïcode ✓']) {
      const salt = randomBytes(16);
      const ours = await derive(new TextEncoder().encode(password), salt, KDF_FLOOR);
      const theirs = runPython(
        `import json,sys,argon2.low_level as a
d=json.load(sys.stdin)
print(json.dumps(a.hash_secret_raw(d['p'].encode(), bytes.fromhex(d['s']), time_cost=d['o'], memory_cost=d['m']//1024, parallelism=1, hash_len=32, type=a.Type.ID).hex()))`,
        { p: password, s: Buffer.from(salt).toString('hex'), o: KDF_FLOOR.ops, m: KDF_FLOOR.mem },
      );
      expect(Buffer.from(ours.key).toString('hex')).toBe(theirs);
    }
  });
});

describe.skipIf(!peerAvailable('nacl'))('XChaCha20-Poly1305 in our sealing, against PyNaCl', () => {
  it('opens what PyNaCl sealed, and PyNaCl opens what we sealed', async () => {
    const sodium = await loadSodium();
    const key = randomBytes(32);
    const vaultId = randomBytes(16);
    const id = randomBytes(16);
    const ad = rowAssociatedData(vaultId, 'entries', 'seed', id, 7);
    const plaintext = randomBytes(40);
    const ours = seal(sodium, key, plaintext, ad);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const result = runPython(
      `import json,sys,nacl.bindings as b
d=json.load(sys.stdin); h=bytes.fromhex
opened=b.crypto_aead_xchacha20poly1305_ietf_decrypt(h(d['ct']), h(d['ad']), h(d['n']), h(d['k']))
n=bytes(range(24))
sealed=b.crypto_aead_xchacha20poly1305_ietf_encrypt(h(d['pt']), h(d['ad']), n, h(d['k']))
print(json.dumps({'opened': opened.hex(), 'nonce': n.hex(), 'sealed': sealed.hex()}))`,
      { k: hex(key), ad: hex(ad), n: hex(ours.nonce), ct: hex(ours.ct), pt: hex(plaintext) },
    ) as { opened: string; nonce: string; sealed: string };
    expect(result.opened).toBe(hex(plaintext));
    const theirs = { nonce: new Uint8Array(Buffer.from(result.nonce, 'hex')), ct: new Uint8Array(Buffer.from(result.sealed, 'hex')) };
    expect(hex(open(sodium, key, theirs, ad) ?? new Uint8Array())).toBe(hex(plaintext));
    expect(open(sodium, key, theirs, rowAssociatedData(vaultId, 'entries', 'meta', id, 7))).toBeNull();
  });
});

describe('KDF bounds', () => {
  it.each<[string, KdfParams]>([
    ['below the floor (passes)', { ops: 1, mem: KDF_FLOOR.mem }],
    ['below the floor (memory)', { ops: 3, mem: 32 * 1024 * 1024 }],
    ['above the ceiling (passes)', { ops: 11, mem: KDF_FLOOR.mem }],
    ['above the ceiling (memory)', { ops: 2, mem: 2 * KDF_CEILING.mem }],
    ['not whole', { ops: 2.5, mem: KDF_FLOOR.mem }],
  ])('refuses %s without starting a worker', async (_name, params) => {
    let started = 0;
    const derive = createWorkerKdf({ onWorkerStart: () => started++ });
    await expect(derive(new Uint8Array(8), randomBytes(16), params)).rejects.toMatchObject({ code: 'KDF_PARAMS_OUT_OF_RANGE' });
    expect(started).toBe(0);
  });

  it('calibration always lands on the ladder, inside floor and ceiling, whatever the machine', async () => {
    const inBox = (p: KdfParams) => p.ops >= KDF_FLOOR.ops && p.ops <= KDF_CEILING.ops && p.mem >= KDF_FLOOR.mem && p.mem <= KDF_CEILING.mem;
    for (const msPerUnit of [0.0001, 0.5, 2, 4, 8, 50, 1000]) {
      const tried: KdfParams[] = [];
      const result = await calibrate((params) => {
        tried.push(params);
        return Promise.resolve({ key: new Uint8Array(32), ms: (params.ops * params.mem * msPerUnit) / 2 ** 20 });
      });
      expect(KDF_LADDER).toContain(result.params);
      expect(tried.every(inBox)).toBe(true);
      expect(tried[0]).toEqual(KDF_DEFAULT);
    }
  });

  it('steps down on a slow machine and up on a fast one, never back', async () => {
    const fixed = (ms: number) => () => Promise.resolve({ key: new Uint8Array(32), ms });
    expect((await calibrate(fixed(5000))).params).toEqual(KDF_LADDER[0]);
    expect((await calibrate(fixed(10))).params).toEqual(KDF_LADDER[KDF_LADDER.length - 1]);
    expect((await calibrate(fixed(800))).params).toEqual(KDF_DEFAULT);
  });
});
