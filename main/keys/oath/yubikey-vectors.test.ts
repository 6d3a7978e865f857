import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import { parseCredentialId } from './credential-id.js';
import { yubikeyDialect } from './dialects.js';
import { describeCredential } from './listing.js';
import type { OathAlgorithm, OathCredential, OathProgress } from './model.js';
import { OathProtocol } from './protocol.js';
import { OathSession } from './session.js';
import { statusError } from './status-words.js';
import { parseTlvs } from './tlv.js';
import { ScriptedApduTransport } from './test-support/scripted-apdu-transport.js';

/**
 * Every vector of ../shared/vectors/yubikey-oath.json, in file order on one scripted card: the
 * driver must send each `capdu` byte for byte (yubikit 4's short form) and read each `rapdu` as
 * the vector decodes it. Commands our session refuses before sending (a name that does not fit)
 * or never sends on its own (a VALIDATE without a challenge, raw syntax errors, the Management
 * applet) are sent through the session's APDU layer, and their status words mapped as the session maps them.
 */
interface Exchange {
  readonly capdu: string;
  readonly rapdu: string;
}
/** The decoded fields these tests read (each vector has some of them). */
interface Decoded {
  readonly unixTime?: number;
  readonly code?: string;
  readonly digits?: number;
  readonly id?: string;
  readonly type?: string;
  readonly algorithm?: string;
  readonly entries?: readonly { id: string; tag: string; digits: number; code?: string }[];
  readonly followUpCode?: string;
  readonly accessKeyHex?: string;
  readonly hostChallengeHex?: string;
  readonly newSaltHex?: string;
  readonly newDeviceId?: string;
}
interface Vector {
  readonly id: string;
  readonly exchanges: readonly Exchange[];
  readonly decoded?: Decoded | Decoded[];
  readonly credential?: {
    readonly id: string;
    readonly type: 'TOTP' | 'HOTP';
    readonly algorithm: OathAlgorithm;
    readonly digits: number;
    readonly touch: boolean;
    readonly period: number | null;
    readonly initialCounter: number;
    readonly originalSecretHex: string;
  };
}
const file = JSON.parse(readFileSync(new URL('../../../../shared/vectors/yubikey-oath.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const vectors = file.vectors;

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const PASSWORD = 'correct horse battery staple';

const clock = createManualClock(1_700_000_000_000);
const transport = new ScriptedApduTransport(vectors.flatMap((vector) => vector.exchanges.map(({ capdu, rapdu }) => ({ capdu, rapdu }))), clock);
const hostChallenges: Uint8Array[] = [];
const trace: string[] = [];
const open = () => OathSession.open(transport, yubikeyDialect, { clock, random: () => hostChallenges.shift() ?? new Uint8Array(8), trace: (line) => trace.push(line) });
const raw = new OathProtocol(transport, 'lc-always');
const credentials = new Map<string, OathCredential>();
let session: OathSession;

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The credential a CALCULATE/DELETE capdu names (its first 71 TLV), as the session knows it. */
function named(capdu: string): OathCredential {
  const [name] = parseTlvs(bytes(capdu).subarray(5), 'ber');
  const id = name?.value ?? new Uint8Array(0);
  return credentials.get(hex(id)) ?? describeCredential(id, 'totp');
}

function decoded(vector: Vector): Decoded {
  if (vector.decoded === undefined || Array.isArray(vector.decoded)) throw new Error(`${vector.id} has no decoded object`);
  return vector.decoded;
}

async function put(vector: Vector) {
  const c = vector.credential;
  if (c === undefined) throw new Error('no credential');
  const type = c.type === 'TOTP' ? 'totp' : 'hotp';
  const name = parseCredentialId(type, new TextEncoder().encode(c.id));
  const credential = await session.put(
    {
      ...(name.issuer === undefined ? {} : { issuer: name.issuer }),
      account: name.account,
      type,
      algorithm: c.algorithm,
      digits: c.digits,
      secret: bytes(c.originalSecretHex),
      ...(type === 'totp' ? { period: c.period ?? 30 } : {}),
      ...(c.initialCounter > 0 ? { counter: c.initialCounter } : {}),
      touch: c.touch,
    },
    // The vectors show the PUT alone; the default first LISTs to refuse an existing name.
    { ifExists: 'overwrite' },
  );
  expect(credential.name).toBe(c.id);
  credentials.set(hex(credential.id), credential);
}

async function calculate(vector: Vector) {
  const steps = Array.isArray(vector.decoded) ? vector.decoded : [decoded(vector)];
  for (const [index, step] of steps.entries()) {
    const capdu = vector.exchanges[index]?.capdu ?? '';
    const progress: OathProgress[] = [];
    const code = await session.calculate(named(capdu), { time: step.unixTime ?? 1_111_111_109, full: bytes(capdu)[3] === 0, onProgress: (p) => progress.push(p) });
    expect(code.value).toBe(step.code);
    expect(code.digits).toBe(step.digits);
    if ((vector as { touch?: string }).touch === 'given') expect(progress).toEqual([{ needsTouch: true }]);
  }
}

async function list(vector: Vector) {
  const listed = await session.list();
  const expected = Array.isArray(vector.decoded) ? vector.decoded : undefined;
  if (expected !== undefined) {
    expect(listed.map((c) => [c.name, c.type.toUpperCase(), c.algorithm])).toEqual(expected.map((e) => [e.id, e.type, e.algorithm]));
  } else {
    expect(listed).toHaveLength(14);
  }
  for (const credential of listed) if (!credentials.has(hex(credential.id))) credentials.set(hex(credential.id), credential);
}

async function calculateAll(vector: Vector) {
  const d = decoded(vector);
  const results = await session.calculateAll({ time: d.unixTime ?? 0 });
  const entries = d.entries ?? [];
  expect(results.map((r) => r.credential.name)).toEqual(entries.map((e) => e.id));
  for (const [index, entry] of entries.entries()) {
    const result = results[index];
    if (entry.tag === '77') expect(result?.notComputed).toBe('hotp');
    else if (entry.tag === '7c') expect(result).toMatchObject({ notComputed: 'touch', credential: { touch: true, digits: entry.digits } });
    else if (entry.code !== undefined) expect(result?.code?.value).toBe(entry.code);
    else expect(result?.code?.value).toBe(d.followUpCode);
  }
}

const handlers: Record<string, (vector: Vector) => Promise<void>> = {
  'select-no-password': async () => {
    session = await open();
    expect(session.info).toMatchObject({ version: { major: 5, minor: 4, patch: 3 }, deviceId: 'a0glt6EVfMzhBcfA82HX1g', hasPassword: false, capacity: 32 });
    expect(hex(session.info.salt ?? new Uint8Array(0))).toBe('e2f0b09d74bf9ef1');
  },
  'list-several': list,
  'list-chained': list,
  'list-after-set-code': list,
  'calculate-all': calculateAll,
  'calculate-all-chained': calculateAll,
  'put-overwrite': put,
  'calculate-touch-timeout': async (vector) => {
    const error = await rejection(session.calculate(named(vector.exchanges[0]?.capdu ?? ''), { time: 1_111_111_111 }));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
  },
  delete: async (vector) => {
    await session.delete(named(vector.exchanges[0]?.capdu ?? ''));
  },
  rename: async () => {
    const before = [...credentials.values()].find((c) => c.name === 'Example:alice@example.com');
    if (before === undefined) throw new Error('alice');
    expect((await session.rename(before, { issuer: 'Example', account: 'alice@example.org' })).name).toBe('Example:alice@example.org');
  },
  'rename-keeps-period': async () => {
    const before = [...credentials.values()].find((c) => c.name === '60/Period60:henry');
    if (before === undefined) throw new Error('henry');
    expect((await session.rename(before, { issuer: 'Period60', account: 'henry2' })).name).toBe('60/Period60:henry2');
  },
  'set-code': async (vector) => {
    expect(hex(session.deriveAccessKey(PASSWORD))).toBe(decoded(vector).accessKeyHex);
    hostChallenges.push(bytes(decoded(vector).hostChallengeHex ?? ''));
    trace.length = 0;
    await session.setPassword(PASSWORD);
    expect(trace).toEqual(['> 0003000033 [51 bytes redacted]', '< 9000']);
  },
  'select-with-password': async () => {
    session = await open();
    expect(session.info).toMatchObject({ hasPassword: true, deviceId: 'a0glt6EVfMzhBcfA82HX1g' });
  },
  'error-auth-required': async () => {
    const error = await rejection(session.list());
    expect(error.toInfo()).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'password', sw: '6982' } });
  },
  'validate-wrong-password': async (vector) => {
    hostChallenges.push(bytes(decoded(vector).hostChallengeHex ?? ''));
    const error = await rejection(session.unlock({ password: 'wrong password' }));
    expect(error.toInfo()).toMatchObject({ code: 'KEY_PIN_WRONG', details: { kind: 'password', attemptsRemaining: null } });
  },
  validate: async (vector) => {
    hostChallenges.push(bytes(decoded(vector).hostChallengeHex ?? ''));
    trace.length = 0;
    await session.unlock({ accessKey: session.deriveAccessKey(PASSWORD) });
    expect(trace).toEqual(['> 00a3000020 [32 bytes redacted]', '< [22 bytes redacted] 9000']);
  },
  'unset-code': async () => {
    await session.setPassword(null);
  },
  'select-after-unset': async () => {
    session = await open();
    expect(session.info.hasPassword).toBe(false);
    expect((await rejection(session.unlock({ password: PASSWORD }))).code).toBe('INVALID_REQUEST');
  },
  'error-validate-not-enabled': async (vector) => {
    const reply = await raw.send({ ins: 0xa3, data: bytes(vector.exchanges[0]?.capdu.slice(10) ?? '') });
    expect(statusError(reply.sw, { operation: 'validate', dialect: yubikeyDialect, touch: false, elapsedMs: 0, capacity: 32 }).code).toBe('INVALID_REQUEST');
  },
  'error-delete-no-such-object': async (vector) => {
    expect((await rejection(session.delete(named(vector.exchanges[0]?.capdu ?? '')))).code).toBe('NOT_FOUND');
  },
  'error-calculate-no-such-object': async (vector) => {
    expect((await rejection(session.calculate(named(vector.exchanges[0]?.capdu ?? ''), { time: 1_111_111_109 }))).code).toBe('NOT_FOUND');
  },
  'error-name-too-long': async (vector) => {
    // Our session refuses it before sending anything…
    const sentBefore = transport.sent.length;
    const refused = await rejection(session.put({ issuer: 'Issuer', account: 'n'.repeat(58), type: 'totp', algorithm: 'SHA1', digits: 6, secret: bytes('3132333435363738393031323334353637383930') }));
    expect(refused.toInfo()).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'name', bytes: 65, limit: 64 } });
    expect(transport.sent.length).toBe(sentBefore);
    // …and the key's own refusal, sent raw, reads as a rejected write.
    const reply = await raw.send({ ins: 0x01, data: bytes(vector.exchanges[0]?.capdu.slice(10) ?? '') });
    expect(statusError(reply.sw, { operation: 'put', dialect: yubikeyDialect, touch: false, elapsedMs: 0, capacity: 32 }).code).toBe('KEY_WRITE_REJECTED');
  },
  'error-wrong-syntax-no-key': async (vector) => {
    const reply = await raw.send({ ins: 0x01, data: bytes(vector.exchanges[0]?.capdu.slice(10) ?? '') });
    expect(reply.sw).toBe(0x6a80);
  },
  'error-unknown-instruction': async () => {
    const reply = await raw.send({ ins: 0xc0 });
    expect(statusError(reply.sw, { operation: 'list', dialect: yubikeyDialect, touch: false, elapsedMs: 0, capacity: 32 }).code).toBe('KEY_UNSUPPORTED');
  },
  'error-no-space': async () => {
    const error = await rejection(session.put({ issuer: 'Fill', account: 'one-too-many', type: 'totp', algorithm: 'SHA1', digits: 6, secret: bytes('3132333435363738393031323334353637383930') }, { ifExists: 'overwrite' }));
    expect(error.toInfo()).toMatchObject({ code: 'KEY_FULL', details: { capacity: 32, sw: '6a84' } });
  },
  reset: async (vector) => {
    const info = await session.reset();
    expect(hex(info.salt ?? new Uint8Array(0))).toBe(decoded(vector).newSaltHex);
    expect(info.deviceId).toBe(decoded(vector).newDeviceId);
  },
  'list-after-reset': async () => {
    expect(await session.list()).toEqual([]);
  },
  'management-read-device-info': async () => {
    const select = await raw.send({ ins: 0xa4, p1: 0x04, data: bytes('a000000527471117') });
    expect(Buffer.from(select.data).toString('ascii')).toBe('Virtual mgr - FW version 5.4.3');
    const config = await raw.send({ ins: 0x1d });
    expect(config.sw).toBe(0x9000);
    expect(config.data[0]).toBe(config.data.length - 1);
  },
};

function handlerFor(vector: Vector): (vector: Vector) => Promise<void> {
  const handler = handlers[vector.id];
  if (handler !== undefined) return handler;
  if (vector.id.startsWith('put-')) return put;
  if (vector.id.startsWith('calculate-')) return calculate;
  throw new Error(`no handler for vector ${vector.id}`);
}

describe('YubiKey OATH vectors, in file order on one scripted card', () => {
  it('the file holds 51 vectors and 59 exchanges', () => {
    expect(vectors).toHaveLength(51);
    expect(vectors.flatMap((vector) => vector.exchanges)).toHaveLength(59);
  });

  for (const vector of vectors) {
    it(`${vector.id}: every capdu byte for byte, every rapdu read as decoded`, async () => {
      const before = transport.sent.length;
      await handlerFor(vector)(vector);
      expect(transport.sent.slice(before)).toEqual(vector.exchanges.map((exchange) => exchange.capdu));
    });
  }

  it('the whole script was used, and no trace line holds the password’s key or a credential secret', () => {
    expect(transport.remaining).toBe(0);
    const all = trace.join('\n');
    expect(all).not.toContain('16f0f96cbc64e4de6e0f67c5f6f5197c');
    expect(all).not.toContain('3132333435363738393031323334353637383930');
  });
});
