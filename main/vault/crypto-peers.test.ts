import { beforeAll, describe, expect, it } from 'vitest';
import { peerAvailable, pythonHas, runPython } from '../test-support/python-peer.js';
import { calibrate, calibrationMs } from './calibrate.js';
import { KDF_CEILING, KDF_DEFAULT, KDF_FLOOR, KDF_LADDER, type KdfParams } from './kdf-params.js';
import { createVaultKdf } from './kdf.js';
import { createWorkerKdf } from './kdf-worker.js';
import { randomBytes } from './random.js';
import { open, rowAssociatedData, seal } from './sealing.js';
import { loadSodium, type Sodium, type SodiumBackend } from './sodium.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

/**
 * SECURITY-NOTES §9.3: our wrappers against independent implementations, and the KDF's bounds. Every
 * known-answer test runs against both backends: native libsodium (sodium-native) and the wasm fallback.
 */
describe.each<SodiumBackend>(['native', 'wasm'])('%s libsodium', (backend) => {
  let sodium: Sodium;
  beforeAll(async () => {
    sodium = await loadSodium({ prefer: backend });
  });

  it('is the backend asked for (sodium-native has a prebuild for this platform)', () => {
    expect(sodium.backend).toBe(backend);
  });

  describe.skipIf(!peerAvailable('argon2'))('Argon2id, against argon2-cffi', () => {
    it('is installed (CI installs python3-argon2)', () => {
      expect(pythonHas('argon2')).toBe(true);
    });

    it('derives the same keys at the floor, for ASCII and non-ASCII passwords', async () => {
      const started: string[] = [];
      const derive = createVaultKdf({ sodium, onStart: (where) => started.push(where) });
      for (const password of ['correct horse battery', 'pässwörd ünïcode ✓']) {
        const salt = randomBytes(16);
        const ours = await derive(new TextEncoder().encode(password), salt, KDF_FLOOR);
        const theirs = runPython(
          `import json,sys,argon2.low_level as a
d=json.load(sys.stdin)
print(json.dumps(a.hash_secret_raw(d['p'].encode(), bytes.fromhex(d['s']), time_cost=d['o'], memory_cost=d['m']//1024, parallelism=1, hash_len=32, type=a.Type.ID).hex()))`,
          { p: password, s: hex(salt), o: KDF_FLOOR.ops, m: KDF_FLOOR.mem },
        );
        expect(hex(ours.key)).toBe(theirs);
        expect(ours.ms).toBeGreaterThan(0);
      }
      // Native Argon2id runs on libuv's pool; the wasm fallback in a worker.
      expect(started).toEqual(backend === 'native' ? ['native', 'native'] : ['worker', 'worker']);
    });
  });

  describe.skipIf(!peerAvailable('nacl'))('XChaCha20-Poly1305 and secretstream, against PyNaCl', () => {
    it('opens what PyNaCl sealed, and PyNaCl opens what we sealed', () => {
      const key = randomBytes(32);
      const vaultId = randomBytes(16);
      const id = randomBytes(16);
      const ad = rowAssociatedData(vaultId, 'entries', 'seed', id, 7);
      const plaintext = randomBytes(40);
      const ours = seal(sodium, key, plaintext, ad);
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
      const theirs = { nonce: unhex(result.nonce), ct: unhex(result.sealed) };
      expect(hex(open(sodium, key, theirs, ad) ?? new Uint8Array())).toBe(hex(plaintext));
      expect(open(sodium, key, theirs, rowAssociatedData(vaultId, 'entries', 'meta', id, 7))).toBeNull();
      expect(open(sodium, key, { nonce: theirs.nonce, ct: theirs.ct.subarray(0, 10) }, ad)).toBeNull();
    });

    it('secretstream: PyNaCl pulls what we pushed (with AD and tags), and we pull what it pushed', () => {
      const key = randomBytes(32);
      const ad = randomBytes(30);
      const messages = [randomBytes(100), new Uint8Array(0), randomBytes(65_536)];
      const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
      const pushed = messages.map((message, i) =>
        sodium.crypto_secretstream_xchacha20poly1305_push(
          state,
          message,
          i === 0 ? ad : null,
          i === messages.length - 1 ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
        ),
      );
      const result = runPython(
        `import json,sys,nacl.bindings as b
d=json.load(sys.stdin); h=bytes.fromhex
st=b.crypto_secretstream_xchacha20poly1305_state()
b.crypto_secretstream_xchacha20poly1305_init_pull(st, h(d['header']), h(d['k']))
pulled=[]
for i,c in enumerate(d['chunks']):
    m,t=b.crypto_secretstream_xchacha20poly1305_pull(st, h(c), h(d['ad']) if i==0 else None)
    pulled.append([m.hex(), t])
st2=b.crypto_secretstream_xchacha20poly1305_state()
hdr=b.crypto_secretstream_xchacha20poly1305_init_push(st2, h(d['k']))
c1=b.crypto_secretstream_xchacha20poly1305_push(st2, b'first', h(d['ad']), b.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
c2=b.crypto_secretstream_xchacha20poly1305_push(st2, b'last', None, b.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
print(json.dumps({'pulled': pulled, 'header': hdr.hex(), 'chunks': [c1.hex(), c2.hex()]}))`,
        { k: hex(key), ad: hex(ad), header: hex(header), chunks: pushed.map(hex) },
      ) as { pulled: [string, number][]; header: string; chunks: string[] };
      expect(result.pulled).toEqual(
        messages.map((message, i) => [hex(message), i === messages.length - 1 ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE]),
      );

      const pull = sodium.crypto_secretstream_xchacha20poly1305_init_pull(unhex(result.header), key);
      const [c1, c2] = result.chunks.map(unhex) as [Uint8Array, Uint8Array];
      // A damaged chunk is false (not a throw), and does not advance the stream.
      const damaged = new Uint8Array(c1);
      damaged[5] = (damaged[5] ?? 0) ^ 1;
      expect(sodium.crypto_secretstream_xchacha20poly1305_pull(pull, damaged, ad)).toBe(false);
      expect(sodium.crypto_secretstream_xchacha20poly1305_pull(pull, c1, null)).toBe(false);
      const first = sodium.crypto_secretstream_xchacha20poly1305_pull(pull, c1, ad);
      expect(first && new TextDecoder().decode(first.message)).toBe('first');
      expect(first && first.tag).toBe(sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
      const last = sodium.crypto_secretstream_xchacha20poly1305_pull(pull, c2, null);
      expect(last && [new TextDecoder().decode(last.message), last.tag]).toEqual(['last', sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL]);
      expect(sodium.crypto_secretstream_xchacha20poly1305_pull(pull, new Uint8Array(5), null)).toBe(false);
    });
  });

  describe.skipIf(!peerAvailable('hashlib'))("BLAKE2b and the subkey KDF, against Python's hashlib", () => {
    it('hashes with and without a key, at every output length we use (3, 16, 32 bytes), strings as UTF-8', () => {
      const key = randomBytes(32);
      const message = randomBytes(77);
      const ours = {
        plain32: hex(sodium.crypto_generichash(32, message, null)),
        plainUndefinedKey: hex(sodium.crypto_generichash(32, message)),
        keyed16: hex(sodium.crypto_generichash(16, message, key)),
        keyed3: hex(sodium.crypto_generichash(3, message, key)),
        text: hex(sodium.crypto_generichash(32, 'LK manifest: ✓', key)),
      };
      const theirs = runPython(
        `import json,sys,hashlib
d=json.load(sys.stdin); h=bytes.fromhex; k=h(d['k']); m=h(d['m'])
B=lambda n,msg,key=b'': hashlib.blake2b(msg, digest_size=n, key=key).hexdigest()
print(json.dumps({'plain32': B(32,m), 'plainUndefinedKey': B(32,m), 'keyed16': B(16,m,k), 'keyed3': B(3,m,k), 'text': B(32,'LK manifest: ✓'.encode(),k)}))`,
        { k: hex(key), m: hex(message) },
      );
      expect(ours).toEqual(theirs);
    });

    it('crypto_kdf_derive_from_key is BLAKE2b keyed by the master key, salted by the subkey id, personalised by the context', () => {
      const master = randomBytes(32);
      const ours = [1, 2, 3].map((id) => hex(sodium.crypto_kdf_derive_from_key(32, id, 'LKvault1', master)));
      const theirs = runPython(
        `import json,sys,hashlib
d=json.load(sys.stdin); k=bytes.fromhex(d['k'])
print(json.dumps([hashlib.blake2b(b'', digest_size=32, key=k, salt=i.to_bytes(8,'little')+bytes(8), person=b'LKvault1'+bytes(8)).hexdigest() for i in (1,2,3)]))`,
        { k: hex(master) },
      );
      expect(ours).toEqual(theirs);
    });
  });

  it('pads to 64-byte blocks as ISO/IEC 7816-4 (0x80 then zeros)', () => {
    for (const length of [0, 1, 63, 64, 65, 200]) {
      const padded = sodium.pad(new Uint8Array(length).fill(7), 64);
      expect(padded.length).toBe((Math.floor(length / 64) + 1) * 64);
      expect(padded[length]).toBe(0x80);
      expect(padded.subarray(length + 1).every((byte) => byte === 0)).toBe(true);
    }
  });

  it('keeps keys in secure memory only natively; release zeroes, and frees secure memory', () => {
    const copy = sodium.secureCopy(Uint8Array.of(1, 2, 3));
    const subkey = sodium.crypto_kdf_derive_from_key(32, 1, 'LKvault1', randomBytes(32));
    expect([sodium.isSecure(copy), sodium.isSecure(subkey)]).toEqual([backend === 'native', backend === 'native']);
    expect([...copy]).toEqual([1, 2, 3]);
    for (const key of [copy, subkey]) {
      sodium.release(key);
      expect(key.byteLength === 0 || key.every((byte) => byte === 0)).toBe(true);
      if (backend === 'native') expect(key.byteLength).toBe(0);
      sodium.release(key); // twice is harmless
    }
    const plain = randomBytes(8);
    sodium.release(plain);
    expect([...plain]).toEqual(new Array<number>(8).fill(0));
  });

  it.each<[string, KdfParams]>([
    ['below the floor (passes)', { ops: 1, mem: KDF_FLOOR.mem }],
    ['below the floor (memory)', { ops: 3, mem: 32 * 1024 * 1024 }],
    ['above the ceiling (passes)', { ops: 11, mem: KDF_FLOOR.mem }],
    ['above the ceiling (memory)', { ops: 2, mem: 2 * KDF_CEILING.mem }],
    ['not whole', { ops: 2.5, mem: KDF_FLOOR.mem }],
  ])('refuses %s without starting a derivation', async (_name, params) => {
    let started = 0;
    const derive = createVaultKdf({ sodium, onStart: () => started++ });
    await expect(derive(new Uint8Array(8), randomBytes(16), params)).rejects.toMatchObject({ code: 'KDF_PARAMS_OUT_OF_RANGE' });
    expect(started).toBe(0);
  });
});

describe('KDF bounds', () => {
  it('the worker KDF refuses out-of-box parameters without starting a worker', async () => {
    let started = 0;
    const derive = createWorkerKdf({ onWorkerStart: () => started++ });
    await expect(derive(new Uint8Array(8), randomBytes(16), { ops: 11, mem: KDF_FLOOR.mem })).rejects.toMatchObject({ code: 'KDF_PARAMS_OUT_OF_RANGE' });
    expect(started).toBe(0);
  });

  it('the ladder is SECURITY-NOTES §1: from 256 MiB × 3, down (3,192) (3,128) (2,128) (3,64), up (4,256) (3,384) (3,512)', () => {
    const MiB = 2 ** 20;
    expect(KDF_DEFAULT).toEqual({ ops: 3, mem: 256 * MiB });
    expect(KDF_LADDER.map((p) => [p.ops, p.mem / MiB])).toEqual([
      [3, 64],
      [2, 128],
      [3, 128],
      [3, 192],
      [3, 256],
      [4, 256],
      [3, 384],
      [3, 512],
    ]);
  });

  it('calibration always lands on the ladder, inside floor and ceiling, whatever the machine', async () => {
    const inBox = (p: KdfParams) => p.ops >= KDF_FLOOR.ops && p.ops <= KDF_CEILING.ops && p.mem >= KDF_FLOOR.mem && p.mem <= KDF_CEILING.mem;
    for (const msPerUnit of [0.0001, 0.5, 1, 2, 4, 8, 50, 1000]) {
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

  it('steps down while over 1 s and up while under 0.4 s, never back', async () => {
    const fixed = (ms: number) => () => Promise.resolve({ key: new Uint8Array(32), ms });
    expect((await calibrate(fixed(5000))).params).toEqual(KDF_LADDER[0]);
    expect((await calibrate(fixed(10))).params).toEqual(KDF_LADDER[KDF_LADDER.length - 1]);
    expect((await calibrate(fixed(800))).params).toEqual(KDF_DEFAULT);
    expect((await calibrate(fixed(999))).params).toEqual(KDF_DEFAULT);
    expect((await calibrate(fixed(1001))).params).toEqual(KDF_LADDER[0]);
    // Native libsodium here: 256 MiB × 3 in ~0.65 s stays; the wasm fallback (~1.1 s) steps down to 192 MiB.
    const perMiBPass = (ms: number) => (params: KdfParams) => Promise.resolve({ key: new Uint8Array(32), ms: (params.ops * params.mem * ms) / (3 * 256 * 2 ** 20) });
    expect((await calibrate(perMiBPass(650))).params).toEqual(KDF_DEFAULT);
    expect((await calibrate(perMiBPass(1100))).params).toEqual({ ops: 3, mem: 192 * 2 ** 20 });
  });

  it("steps down on the smaller of wall and CPU time (other programs' load does not weaken it), up on wall time", async () => {
    const timing = (ms: number, cpuMs: number) => () => Promise.resolve({ key: new Uint8Array(32), ms, cpuMs });
    // Waiting for a core another program held: 1.5 s wall, 0.36 s of work. Neither down nor up.
    expect((await calibrate(timing(1500, 360))).params).toEqual(KDF_DEFAULT);
    // Our other threads busy meanwhile: CPU time above wall time, so wall time is judged.
    expect((await calibrate(timing(650, 1500))).params).toEqual(KDF_DEFAULT);
    expect((await calibrate(timing(1500, 1400))).params).toEqual(KDF_LADDER[0]);
    expect((await calibrate(timing(350, 340))).params).toEqual(KDF_LADDER[KDF_LADDER.length - 1]);
    expect(calibrationMs({ ms: 900 })).toBe(900);
    expect(calibrationMs({ ms: 900, cpuMs: 300 })).toBe(300);
  });
});
