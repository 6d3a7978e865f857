import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApduTransport } from '../apdu.js';
import { createManualClock } from '../clock.js';
import { nitrokey3Dialect, yubikeyDialect, type OathDialect } from './dialects.js';
import type { NewOathCredential, OathAlgorithm } from './model.js';
import { OathSession } from './session.js';
import { parseTlvs } from './tlv.js';

/**
 * Random credentials written by our session and computed back, against oathtool on the ORIGINAL
 * secret. The "key" is a few lines of HMAC in this test that stores what PUT sent (hashed when
 * long, padded when short, as the session prepares it) and answers CALCULATE from it: so this
 * checks that what we write gives the codes the account's secret gives, at any time and period.
 */
const oathtoolPresent = ((): boolean => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const HASH: Record<OathAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const ALGORITHM: Record<number, OathAlgorithm> = { 1: 'SHA1', 2: 'SHA256', 3: 'SHA512' };

/** Stores PUT's key TLV and answers CALCULATE with the 31-bit truncation of HMAC(stored key, challenge or counter). */
class HmacCard implements ApduTransport {
  private readonly stored = new Map<string, { algorithm: OathAlgorithm; digits: number; key: Uint8Array; counter: number }>();

  constructor(private readonly selectAnswer: string) {}

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const ins = apdu[1];
    const data = apdu.length > 5 ? apdu.subarray(5) : new Uint8Array(0);
    if (ins === 0xa4) return Promise.resolve(Uint8Array.from(Buffer.from(this.selectAnswer, 'hex')));
    const tlvs = ins === 0x01 ? parseTlvs(data.subarray(0, 2 + (data[1] ?? 0) + lengthOfKeyTlv(data)), 'ber') : parseTlvs(data, 'ber');
    const name = Buffer.from(tlvs[0]?.value ?? []).toString('hex');
    if (ins === 0x01) {
      const key = tlvs[1]?.value ?? new Uint8Array(0);
      const tail = data.subarray(2 + (data[1] ?? 0) + lengthOfKeyTlv(data));
      const imf = tail.indexOf(0x7a);
      const counter = imf >= 0 ? new DataView(tail.buffer, tail.byteOffset + imf + 2, 4).getUint32(0) : 0;
      this.stored.set(name, { algorithm: ALGORITHM[(key[0] ?? 0) & 0x0f] ?? 'SHA1', digits: key[1] ?? 0, key: key.slice(2), counter });
      return Promise.resolve(Uint8Array.of(0x90, 0x00));
    }
    const credential = this.stored.get(name);
    if (ins !== 0xa2 || credential === undefined) return Promise.resolve(Uint8Array.of(0x6a, 0x82));
    const challenge = tlvs[1]?.value ?? new Uint8Array(0);
    const message = new Uint8Array(8);
    if (challenge.length === 8 && challenge.some((byte) => byte !== 0)) message.set(challenge);
    else new DataView(message.buffer).setBigUint64(0, BigInt(credential.counter++));
    const hmac = createHmac(HASH[credential.algorithm], credential.key).update(message).digest();
    const offset = (hmac.at(-1) ?? 0) & 0x0f;
    const value = hmac.readUInt32BE(offset) & 0x7fffffff;
    const answer = Buffer.alloc(9);
    answer.set([0x76, 0x05, credential.digits]);
    answer.writeUInt32BE(value, 3);
    answer.set([0x90, 0x00], 7);
    return Promise.resolve(new Uint8Array(answer));
  }
}

/** The key TLV's whole size (tag, BER length, value) right after the name TLV. */
function lengthOfKeyTlv(data: Uint8Array): number {
  const at = 2 + (data[1] ?? 0);
  const first = data[at + 1] ?? 0;
  if (first < 0x80) return 2 + first;
  return first === 0x81 ? 3 + (data[at + 2] ?? 0) : 4 + (((data[at + 2] ?? 0) << 8) | (data[at + 3] ?? 0));
}

interface Case {
  readonly dialect: 'yubikey' | 'nitrokey3';
  readonly credential: NewOathCredential;
  readonly time: number;
}

// Short (padded to 14 on a YubiKey), usual, over the SHA1/SHA256 block (sent hashed), over the SHA512 block.
const secret = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 13 }),
  fc.uint8Array({ minLength: 14, maxLength: 64 }),
  fc.uint8Array({ minLength: 65, maxLength: 128 }),
  fc.uint8Array({ minLength: 129, maxLength: 200 }),
);
const totp: fc.Arbitrary<Case> = fc
  .record({
    dialect: fc.constantFrom<'yubikey' | 'nitrokey3'>('yubikey', 'nitrokey3'),
    algorithm: fc.constantFrom<OathAlgorithm>('SHA1', 'SHA256', 'SHA512'),
    digits: fc.integer({ min: 6, max: 8 }),
    period: fc.constantFrom(15, 30, 60, 90),
    secret,
    time: fc.integer({ min: 0, max: 2 ** 34 }),
  })
  .filter((c) => !(c.dialect === 'nitrokey3' && c.algorithm === 'SHA512'))
  .map((c) => ({ dialect: c.dialect, time: c.time, credential: { issuer: 'Random', account: 'totp', type: 'totp', algorithm: c.algorithm, digits: c.digits, period: c.period, secret: c.secret } }));
const hotp: fc.Arbitrary<Case> = fc
  .record({ dialect: fc.constantFrom<'yubikey' | 'nitrokey3'>('yubikey', 'nitrokey3'), digits: fc.integer({ min: 6, max: 8 }), secret, counter: fc.integer({ min: 0, max: 2 ** 32 - 1 }) })
  .map((c) => ({ dialect: c.dialect, time: 0, credential: { issuer: 'Random', account: 'hotp', type: 'hotp', algorithm: 'SHA1', digits: c.digits, counter: c.counter, secret: c.secret } }));

function oathtoolLine(c: Case): string {
  const hex = Buffer.from(c.credential.secret).toString('hex');
  const digits = `--digits=${String(c.credential.digits)}`;
  if (c.credential.type === 'hotp') return `oathtool --hotp ${digits} --counter=${String(c.credential.counter ?? 0)} ${hex}`;
  return `oathtool --totp=${c.credential.algorithm.toLowerCase()} ${digits} --time-step-size=${String(c.credential.period ?? 30)}s --now=@${String(c.time)} ${hex}`;
}

const DIALECTS: Record<Case['dialect'], { dialect: OathDialect; select: string }> = {
  yubikey: { dialect: yubikeyDialect, select: '79030504037108e2f0b09d74bf9ef19000' },
  nitrokey3: { dialect: nitrokey3Dialect, select: '7903040e007108269f14543a0ec7ac8f041a2b3c4d9000' },
};

describe.skipIf(!oathtoolPresent && process.env['CI'] !== 'true')('random credentials written and computed by the session agree with oathtool', () => {
  it('300 TOTP and HOTP credentials on both keys (long keys hashed, short ones padded, any period and time)', async () => {
    const cases = [...fc.sample(totp, { numRuns: 240, seed: 16_2026 }), ...fc.sample(hotp, { numRuns: 60, seed: 16 })];
    const expected = execFileSync('sh', ['-e'], { input: cases.map(oathtoolLine).join('\n'), encoding: 'utf8' }).trim().split('\n');
    const actual: string[] = [];
    for (const c of cases) {
      const { dialect, select } = DIALECTS[c.dialect];
      const clock = createManualClock();
      const session = await OathSession.open(new HmacCard(select), dialect, { clock });
      // A YubiKey would first be listed to refuse an existing name; the NK3 refuses duplicates itself.
      const written = await session.put(c.credential, c.dialect === 'yubikey' ? { ifExists: 'overwrite' } : {});
      actual.push((await session.calculate({ ...written, touch: false }, { time: c.time })).value);
    }
    expect(cases.filter((_, index) => actual[index] !== expected[index]).map((c) => c.credential)).toEqual([]);
    expect(cases.some((c) => c.credential.secret.length > 128 && c.credential.algorithm === 'SHA512')).toBe(true);
    expect(cases.some((c) => c.credential.secret.length > 64 && c.credential.algorithm !== 'SHA512')).toBe(true);
    expect(cases.some((c) => c.credential.secret.length < 14)).toBe(true);
  });
});
