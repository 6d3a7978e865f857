import { createCipheriv, randomBytes, randomUUID, scrypt as scryptCallback } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { readImport } from '../main/formats/index.js';
import { encodeBase32 } from '../main/otp/index.js';
import type { BenchRow } from './measure.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const PASSWORD = 'benchmark aegis password';
const SCRYPT = { N: 32_768, r: 8, p: 1, maxmem: 128 * 1024 * 1024 };

function seal(key: Buffer, plaintext: Buffer): { ciphertext: Buffer; nonce: Buffer; tag: Buffer } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, nonce, tag: cipher.getAuthTag() };
}

/** An encrypted Aegis vault of `count` TOTP entries, with Aegis's own scrypt parameters. */
async function aegisVault(count: number): Promise<Uint8Array> {
  const entries = Array.from({ length: count }, (_, i) => ({
    type: 'totp',
    uuid: randomUUID(),
    name: `user${String(i)}@example.com`,
    issuer: `Service ${String(i)}`,
    note: '',
    icon: null,
    info: { secret: encodeBase32(randomBytes(20)), algo: 'SHA1', digits: 6, period: 30 },
    groups: [],
  }));
  const masterKey = randomBytes(32);
  const salt = randomBytes(32);
  const kek = await scrypt(PASSWORD, salt, 32, SCRYPT);
  const slotKey = seal(kek, masterKey);
  const db = seal(masterKey, Buffer.from(JSON.stringify({ version: 3, entries, groups: [] })));
  const file = {
    version: 1,
    header: {
      slots: [{ type: 1, uuid: randomUUID(), key: slotKey.ciphertext.toString('hex'), key_params: { nonce: slotKey.nonce.toString('hex'), tag: slotKey.tag.toString('hex') }, n: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('hex'), repaired: true }],
      params: { nonce: db.nonce.toString('hex'), tag: db.tag.toString('hex') },
    },
    db: db.ciphertext.toString('base64'),
  };
  return new TextEncoder().encode(JSON.stringify(file));
}

/** Import of a 1,000-entry encrypted Aegis vault, and the share of it spent in scrypt. */
export async function benchAegisImport(): Promise<BenchRow[]> {
  const file = await aegisVault(1000);
  const importTimes: number[] = [];
  const kdfTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    let start = performance.now();
    const result = await readImport(file, { password: PASSWORD });
    importTimes.push(performance.now() - start);
    if (result.accounts.length !== 1000) throw new Error(`expected 1000 accounts, got ${String(result.accounts.length)}`);
    start = performance.now();
    await scrypt(PASSWORD, randomBytes(32), 32, SCRYPT);
    kdfTimes.push(performance.now() - start);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const total = median(importTimes);
  const kdf = median(kdfTimes);
  return [
    {
      name: 'import a 1,000-entry encrypted Aegis vault',
      figure: `${total.toFixed(0)} ms`,
      peer: `scrypt alone ${kdf.toFixed(0)} ms`,
      ratio: `${((kdf / total) * 100).toFixed(0)}% KDF`,
      note: 'scrypt N=2^15 r=8 p=1 (Aegis defaults); detection, decryption, validation of 1,000 entries',
    },
  ];
}
