import { z } from 'zod';
import { LatchkeyError } from '../../../../shared/errors.js';
import { algorithmFromCode, type OathAlgorithm } from '../oath-common/otp-math.js';
import { formatTouchPolicy, parseTouchPolicy, type RandomSource, type TouchPolicy } from '../yubikey-otp/state.js';

/**
 * What the emulated YubiKey's OATH applet remembers, and its JSON file. Ids and secrets are hex:
 * the key compares ids as raw bytes (sheet trap 16), so the file keeps them exactly.
 */
export interface OathCredential {
  /** The id (`[period/][issuer:]name` as the host wrote it), hex. */
  idHex: string;
  type: 'TOTP' | 'HOTP';
  algorithm: OathAlgorithm;
  digits: number;
  /** The key as the host sent it (already hashed/padded by the host), hex. */
  secretHex: string;
  touch: boolean;
  /** HOTP: the moving factor the next CALCULATE uses. */
  counter: number;
}

export interface OathCardState {
  serial: number;
  firmware: readonly [number, number, number];
  /** The applet's 8-byte id, PBKDF2 salt of the access code; a RESET makes a new one. */
  saltHex: string;
  /** The access code: its SET CODE type byte (echoed in SELECT's 7B) and 16-byte key. */
  access: { typeByte: number; keyHex: string } | null;
  touchPolicy: TouchPolicy;
  /** Storage order, which LIST and CALCULATE ALL follow. */
  credentials: OathCredential[];
}

export const DEFAULT_OATH_FIRMWARE = [5, 4, 3] as const;

export function versionAtLeast(firmware: readonly [number, number, number], wanted: readonly [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    const have = firmware[i] ?? 0;
    const want = wanted[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}

/** 32 credentials below 5.7, 64 from 5.7 (sheet §11). */
export function capacityOf(firmware: readonly [number, number, number]): number {
  return versionAtLeast(firmware, [5, 7, 0]) ? 64 : 32;
}

/** A fresh key: a new salt from `random` first, then (unless given) a serial. */
export function factoryOathCardState(random: RandomSource, options: { firmware?: readonly [number, number, number]; serial?: number } = {}): OathCardState {
  const saltHex = Buffer.from(random(8)).toString('hex');
  const serial = options.serial ?? 10_000_000 + (Buffer.from(random(4)).readUInt32BE(0) % 20_000_000);
  return { serial, firmware: options.firmware ?? DEFAULT_OATH_FIRMWARE, saltHex, access: null, touchPolicy: { kind: 'auto' }, credentials: [] };
}

const hex = z.string().regex(/^([0-9a-f]{2})*$/);
const credentialSchema = z
  .object({
    id: z.string(),
    idHex: hex,
    type: z.enum(['TOTP', 'HOTP']),
    algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
    digits: z.number().int().min(1).max(10),
    secretHex: hex,
    touch: z.boolean(),
    counter: z.number().int().min(0).max(0xffffffff),
  })
  .strict();

const fileSchema = z
  .object({
    format: z.literal('latchkey-emulator/yubikey-oath'),
    version: z.literal(1),
    serial: z.number().int().min(0).max(0xffffffff),
    firmware: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/),
    saltHex: z.string().regex(/^[0-9a-f]{16}$/),
    access: z.object({ typeByte: z.number().int().min(0).max(255), keyHex: hex }).strict().nullable(),
    touchPolicy: z.string(),
    credentials: z.array(credentialSchema),
  })
  .strict();

export function oathCardStateToJson(state: OathCardState): string {
  const file = {
    format: 'latchkey-emulator/yubikey-oath',
    version: 1,
    serial: state.serial,
    firmware: state.firmware.join('.'),
    saltHex: state.saltHex,
    access: state.access,
    touchPolicy: formatTouchPolicy(state.touchPolicy),
    // `id` is for people reading the file; `idHex` is what the key compares.
    credentials: state.credentials.map((c) => ({ id: Buffer.from(c.idHex, 'hex').toString('utf8'), ...c })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function oathCardStateFromJson(text: string, source: string): OathCardState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a YubiKey OATH emulator state (not JSON)`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a YubiKey OATH emulator state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  const file = parsed.data;
  const [major = 0, minor = 0, build = 0] = file.firmware.split('.').map(Number);
  return {
    serial: file.serial,
    firmware: [major, minor, build],
    saltHex: file.saltHex,
    access: file.access,
    touchPolicy: parseTouchPolicy(file.touchPolicy),
    credentials: file.credentials.map(({ id: _readable, ...credential }) => credential),
  };
}

/** The type|algorithm byte of LIST and PUT (sheet §3). */
export function typeAlgorithmByte(credential: Pick<OathCredential, 'type' | 'algorithm'>): number {
  return (credential.type === 'HOTP' ? 0x10 : 0x20) | { SHA1: 0x01, SHA256: 0x02, SHA512: 0x03 }[credential.algorithm];
}

export function decodeTypeAlgorithm(byte: number): { type: 'TOTP' | 'HOTP'; algorithm: OathAlgorithm } | null {
  const kind = byte & 0xf0;
  const algorithm = algorithmFromCode(byte & 0x0f);
  if (algorithm === null) return null;
  if (kind === 0x10) return { type: 'HOTP', algorithm };
  if (kind === 0x20) return { type: 'TOTP', algorithm };
  return null;
}
