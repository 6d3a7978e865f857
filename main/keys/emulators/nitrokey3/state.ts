import { z } from 'zod';
import { LatchkeyError } from '../../../../shared/errors.js';
import type { OathAlgorithm } from '../oath-common/otp-math.js';
import { formatTouchPolicy, parseTouchPolicy, type RandomSource, type TouchPolicy } from '../yubikey-otp/state.js';

/**
 * What the emulated Nitrokey 3's Secrets App remembers, and its JSON file (0600, atomic). Labels
 * and secrets are hex: the app compares labels as bytes.
 */
export interface Nk3Credential {
  labelHex: string;
  kind: 'TOTP' | 'HOTP';
  /** SHA512 is stored as the real app does; its CALCULATE answers 6A81. */
  algorithm: OathAlgorithm;
  digits: number;
  secretHex: string;
  touch: boolean;
  /** Visible only right after VERIFY_PIN; never waits for a touch (nk3 sheet §4–5). */
  pinEncrypted: boolean;
  /** A password-safe login or password was given (LIST v1 bit 0x04). */
  hasPasswordSafe: boolean;
  /** HOTP: the moving factor of the next CALCULATE (u32). */
  counter: number;
}

export interface Nk3State {
  serial: number;
  /** The app version SELECT reports: 4.<crate minor>.<crate patch> (4.14.0 = secrets-app 0.14.0). */
  appVersion: readonly [number, number, number];
  saltHex: string;
  pin: { pinHex: string; retriesLeft: number } | null;
  touchPolicy: TouchPolicy;
  credentials: Nk3Credential[];
}

export const NK3_PIN_RETRIES = 8;
export const NK3_CREDENTIAL_LIMIT = 50;
export const DEFAULT_APP_VERSION = [4, 14, 0] as const;

export function factoryNk3State(random: RandomSource, options: { serial?: number; appVersion?: readonly [number, number, number] } = {}): Nk3State {
  const saltHex = Buffer.from(random(8)).toString('hex');
  const serial = options.serial ?? Buffer.from(random(4)).readUInt32BE(0);
  return { serial, appVersion: options.appVersion ?? DEFAULT_APP_VERSION, saltHex, pin: null, touchPolicy: { kind: 'auto' }, credentials: [] };
}

const hex = z.string().regex(/^([0-9a-f]{2})*$/);
const fileSchema = z
  .object({
    format: z.literal('latchkey-emulator/nitrokey3'),
    version: z.literal(1),
    serial: z.number().int().min(0).max(0xffffffff),
    appVersion: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/),
    saltHex: z.string().regex(/^[0-9a-f]{16}$/),
    pin: z.object({ pinHex: hex, retriesLeft: z.number().int().min(0).max(NK3_PIN_RETRIES) }).strict().nullable(),
    touchPolicy: z.string(),
    credentials: z.array(
      z
        .object({
          label: z.string(),
          labelHex: hex,
          kind: z.enum(['TOTP', 'HOTP']),
          algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
          digits: z.number().int().min(0).max(255),
          secretHex: hex,
          touch: z.boolean(),
          pinEncrypted: z.boolean(),
          hasPasswordSafe: z.boolean(),
          counter: z.number().int().min(0).max(0xffffffff),
        })
        .strict(),
    ),
  })
  .strict();

export function nk3StateToJson(state: Nk3State): string {
  const file = {
    format: 'latchkey-emulator/nitrokey3',
    version: 1,
    serial: state.serial,
    appVersion: state.appVersion.join('.'),
    saltHex: state.saltHex,
    pin: state.pin,
    touchPolicy: formatTouchPolicy(state.touchPolicy),
    credentials: state.credentials.map((c) => ({ label: Buffer.from(c.labelHex, 'hex').toString('utf8'), ...c })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function nk3StateFromJson(text: string, source: string): Nk3State {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a Nitrokey 3 emulator state (not JSON)`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a Nitrokey 3 emulator state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  const file = parsed.data;
  const [major = 0, minor = 0, patch = 0] = file.appVersion.split('.').map(Number);
  return {
    serial: file.serial,
    appVersion: [major, minor, patch],
    saltHex: file.saltHex,
    pin: file.pin,
    touchPolicy: parseTouchPolicy(file.touchPolicy),
    credentials: file.credentials.map(({ label: _readable, ...credential }) => credential),
  };
}
