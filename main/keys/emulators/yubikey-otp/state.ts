import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { LatchkeyError } from '../../../../shared/errors.js';
import { initialMovingFactor, slotMode, type SlotConfig, type SlotMode } from './slot-config.js';

/**
 * Everything the emulated key remembers, and its JSON file: what lets separate CLI runs (and the
 * socket server) see the same key. Secrets are in it in clear: it is an emulator, and the file is
 * written 0600.
 */
export interface SlotState extends SlotConfig {
  /** OATH-HOTP only: the moving factor the next typed code uses. */
  counter?: number;
}

/** When a touch arrives while the key waits for one: at once, never, or after a delay. */
export type TouchPolicy = { readonly kind: 'auto' } | { readonly kind: 'never' } | { readonly kind: 'after'; readonly ms: number };

export interface EmulatorState {
  serial: number;
  firmware: readonly [number, number, number];
  pgmSeq: number;
  touchPolicy: TouchPolicy;
  /** Index 0 is slot 1. */
  slots: [SlotState | null, SlotState | null];
}

export type RandomSource = (length: number) => Uint8Array;

export const DEFAULT_FIRMWARE = [5, 4, 3] as const;

export function parseTouchPolicy(text: string): TouchPolicy {
  if (text === 'auto' || text === 'never') return { kind: text };
  const after = /^after:(\d{1,9})$/.exec(text);
  if (after?.[1] !== undefined) return { kind: 'after', ms: Number(after[1]) };
  throw new LatchkeyError('INVALID_REQUEST', `touch policy "${text}" is not auto, never or after:MS`);
}

export function formatTouchPolicy(policy: TouchPolicy): string {
  return policy.kind === 'after' ? `after:${String(policy.ms)}` : policy.kind;
}

/**
 * A key as it leaves the factory: a random serial and, in slot 1, a Yubico OTP credential
 * (touch-triggered) that nobody can restore once overwritten. pgmSeq is 1 because a slot is valid.
 */
export function factoryState(random: RandomSource, options: { factoryCredential?: boolean } = {}): EmulatorState {
  const serialBytes = Buffer.from(random(4));
  const serial = 10_000_000 + (serialBytes.readUInt32BE(0) % 20_000_000);
  const withCredential = options.factoryCredential ?? true;
  const slot1: SlotState | null = withCredential
    ? {
        // Yubico's factory public ids start with modhex "cc" (byte 0x00); 6 bytes used.
        fixed: Buffer.concat([Buffer.from([0x00]), Buffer.from(random(5)), Buffer.alloc(10)]).toString('hex'),
        uid: Buffer.from(random(6)).toString('hex'),
        key: Buffer.from(random(16)).toString('hex'),
        accessCode: '000000000000',
        fixedSize: 6,
        extFlags: 0x04 | 0x02,
        tktFlags: 0x20,
        cfgFlags: 0x00,
      }
    : null;
  return { serial, firmware: DEFAULT_FIRMWARE, pgmSeq: withCredential ? 1 : 0, touchPolicy: { kind: 'auto' }, slots: [slot1, null] };
}

/** A slot freshly written from a configuration: an OATH-HOTP slot starts counting at its IMF. */
export function slotFromConfig(config: SlotConfig): SlotState {
  return slotMode(config) === 'oath-hotp' ? { ...config, counter: initialMovingFactor(config) } : { ...config };
}

const hexOf = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${String(bytes * 2)}}$`));
const byte = z.number().int().min(0).max(255);

const slotSchema = z
  .object({
    mode: z.string().optional(),
    fixed: hexOf(16),
    uid: hexOf(6),
    key: hexOf(16),
    accessCode: hexOf(6),
    fixedSize: z.number().int().min(0).max(16),
    extFlags: byte,
    tktFlags: byte,
    cfgFlags: byte,
    counter: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    format: z.literal('latchkey-emulator/yubikey-otp'),
    version: z.literal(1),
    serial: z.number().int().min(0).max(0xffffffff),
    firmware: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/),
    pgmSeq: byte,
    touchPolicy: z.string(),
    slots: z.object({ '1': slotSchema.nullable(), '2': slotSchema.nullable() }).strict(),
  })
  .strict();

type SlotFile = z.infer<typeof slotSchema>;

function slotToFile(slot: SlotState | null): (SlotFile & { mode: SlotMode }) | null {
  return slot === null ? null : { mode: slotMode(slot), ...slot };
}

function slotFromFile(slot: SlotFile | null): SlotState | null {
  if (slot === null) return null;
  const { mode: _derived, counter, ...config } = slot;
  return counter === undefined ? config : { ...config, counter };
}

export function stateToJson(state: EmulatorState): string {
  const file = {
    format: 'latchkey-emulator/yubikey-otp',
    version: 1,
    serial: state.serial,
    firmware: state.firmware.join('.'),
    pgmSeq: state.pgmSeq,
    touchPolicy: formatTouchPolicy(state.touchPolicy),
    slots: { '1': slotToFile(state.slots[0]), '2': slotToFile(state.slots[1]) },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function stateFromJson(text: string, source: string): EmulatorState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a YubiKey OTP emulator state (not JSON)`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LatchkeyError('INVALID_REQUEST', `${source} is not a YubiKey OTP emulator state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  const file = parsed.data;
  const [major = 0, minor = 0, build = 0] = file.firmware.split('.').map(Number);
  return {
    serial: file.serial,
    firmware: [major, minor, build],
    pgmSeq: file.pgmSeq,
    touchPolicy: parseTouchPolicy(file.touchPolicy),
    slots: [slotFromFile(file.slots['1']), slotFromFile(file.slots['2'])],
  };
}

export function loadStateFile(path: string): EmulatorState | null {
  if (!existsSync(path)) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw ioError('read', path, error);
  }
  return stateFromJson(text, path);
}

/** Temp file in the same folder, then rename: a reader never sees half a state. */
export function saveStateFile(path: string, state: EmulatorState): void {
  const temp = join(dirname(path), `.${basename(path)}.${String(process.pid)}.tmp`);
  try {
    writeFileSync(temp, stateToJson(state), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (error) {
    throw ioError('write', path, error);
  }
}

function ioError(verb: string, path: string, error: unknown): LatchkeyError {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
  return new LatchkeyError('IO_ERROR', `cannot ${verb} the emulator state ${path} (${code})`);
}
