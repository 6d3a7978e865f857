import { createHmac } from 'node:crypto';
import { crc16, withInvertedCrc } from './crc16.js';
import {
  ACCESS_CODE_SIZE,
  CFG,
  CONFIG_SIZE,
  configCrcValid,
  EXT,
  hasAccessCode,
  hmacKey,
  parseConfig,
  slotMode,
  TKT,
} from './slot-config.js';
import { slotFromConfig, type EmulatorState, type SlotState } from './state.js';

/** Frame byte 64 (sheet §4): only the codes a YubiKey 5's OTP application answers here. */
export const COMMAND = {
  CONFIG_1: 0x01,
  CONFIG_2: 0x03,
  UPDATE_1: 0x04,
  UPDATE_2: 0x05,
  SWAP: 0x06,
  DEVICE_SERIAL: 0x10,
  CHAL_HMAC_1: 0x30,
  CHAL_HMAC_2: 0x38,
} as const;

export const FRAME_SIZE = 70;
export const PAYLOAD_SIZE = 64;
const HMAC_LT64_CHALLENGE = PAYLOAD_SIZE;

/** Why the key ignored a command: the host can't tell these apart (sheet §2.5); tests can. */
export type RejectReason =
  | 'bad-frame-crc'
  | 'bad-config-crc'
  | 'wrong-access-code'
  | 'slot-empty'
  | 'not-updatable'
  | 'not-updatable-flags'
  | 'not-hmac-slot'
  | 'unsupported-command';

export type CommandOutcome =
  | { readonly kind: 'rejected'; readonly reason: RejectReason }
  /** The state was changed (already applied to the state passed in). */
  | { readonly kind: 'written'; readonly command: number }
  /** Data to send back: payload ‖ ~crc LE, not yet padded into parts. */
  | { readonly kind: 'response'; readonly data: Uint8Array; readonly needsTouch: boolean };

/** One received frame, as the key decoded it. */
export interface DecodedFrame {
  readonly command: number;
  readonly payload: Uint8Array;
  readonly crcValid: boolean;
}

export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const payload = frame.slice(0, PAYLOAD_SIZE);
  const command = frame[PAYLOAD_SIZE] ?? 0;
  const sent = (frame[PAYLOAD_SIZE + 1] ?? 0) | ((frame[PAYLOAD_SIZE + 2] ?? 0) << 8);
  return { command, payload, crcValid: crc16(payload) === sent };
}

/** Runs one frame against the state, mutating it only when the command succeeds. */
export function executeFrame(state: EmulatorState, frame: DecodedFrame): CommandOutcome {
  if (!frame.crcValid) return rejected('bad-frame-crc');
  const { command, payload } = frame;
  switch (command) {
    case COMMAND.CONFIG_1:
    case COMMAND.CONFIG_2:
      return configure(state, command === COMMAND.CONFIG_1 ? 0 : 1, payload);
    case COMMAND.UPDATE_1:
    case COMMAND.UPDATE_2:
      return update(state, command === COMMAND.UPDATE_1 ? 0 : 1, payload);
    case COMMAND.SWAP:
      // The key ignores the swap payload (sheet §4): yubikit sends zeros, ykpersonalize a config.
      state.slots = [state.slots[1], state.slots[0]];
      return written(state, command);
    case COMMAND.DEVICE_SERIAL: {
      const serial = Buffer.alloc(4);
      serial.writeUInt32BE(state.serial);
      return { kind: 'response', data: withInvertedCrc(serial), needsTouch: false };
    }
    case COMMAND.CHAL_HMAC_1:
    case COMMAND.CHAL_HMAC_2:
      return challengeHmac(state.slots[command === COMMAND.CHAL_HMAC_1 ? 0 : 1], payload);
    default:
      return rejected('unsupported-command');
  }
}

function configure(state: EmulatorState, index: 0 | 1, payload: Uint8Array): CommandOutcome {
  if (!accessGranted(state.slots[index], payload)) return rejected('wrong-access-code');
  const config = payload.subarray(0, CONFIG_SIZE);
  if (config.every((b) => b === 0)) {
    // Delete (sheet §10): 52 zero bytes, no struct CRC.
    state.slots[index] = null;
    return written(state, index === 0 ? COMMAND.CONFIG_1 : COMMAND.CONFIG_2);
  }
  if (!configCrcValid(config)) return rejected('bad-config-crc');
  state.slots[index] = slotFromConfig(parseConfig(config));
  return written(state, index === 0 ? COMMAND.CONFIG_1 : COMMAND.CONFIG_2);
}

/**
 * SLOT_UPDATE keeps the slot's secrets and mode and replaces only the updatable flags and the
 * access code (sheet §5, §9). The old configuration must have allowed updates.
 */
function update(state: EmulatorState, index: 0 | 1, payload: Uint8Array): CommandOutcome {
  const current = state.slots[index];
  if (current === null) return rejected('slot-empty');
  if (!accessGranted(current, payload)) return rejected('wrong-access-code');
  const config = payload.subarray(0, CONFIG_SIZE);
  if (!configCrcValid(config)) return rejected('bad-config-crc');
  if ((current.extFlags & EXT.ALLOW_UPDATE) === 0) return rejected('not-updatable');
  const next = parseConfig(config);
  if ((next.tktFlags & ~TKT.UPDATE_MASK) !== 0 || (next.cfgFlags & ~CFG.UPDATE_MASK) !== 0) return rejected('not-updatable-flags');
  state.slots[index] = {
    ...current,
    accessCode: next.accessCode,
    extFlags: next.extFlags,
    tktFlags: (current.tktFlags & ~TKT.UPDATE_MASK) | next.tktFlags,
    cfgFlags: (current.cfgFlags & ~CFG.UPDATE_MASK) | next.cfgFlags,
  };
  return written(state, index === 0 ? COMMAND.UPDATE_1 : COMMAND.UPDATE_2);
}

function challengeHmac(slot: SlotState | null, payload: Uint8Array): CommandOutcome {
  if (slot === null || slotMode(slot) !== 'chal-resp-hmac') return rejected('not-hmac-slot');
  const message = (slot.cfgFlags & CFG.HMAC_LT64) !== 0 ? stripLt64Padding(payload) : payload.subarray(0, HMAC_LT64_CHALLENGE);
  const digest = createHmac('sha1', hmacKey(slot)).update(message).digest();
  return { kind: 'response', data: withInvertedCrc(digest), needsTouch: (slot.cfgFlags & CFG.CHAL_BTN_TRIG) !== 0 };
}

/**
 * HMAC_LT64 (sheet §7): the last byte of the 64-byte block is the pad value; it and every equal
 * byte just before it are dropped. So a full 64-byte challenge loses at least its last byte.
 * A block of one repeated byte strips to an empty message (open question 3: unverified).
 */
export function stripLt64Padding(block: Uint8Array): Uint8Array {
  const pad = block[block.length - 1];
  let end = block.length;
  while (end > 0 && block[end - 1] === pad) end--;
  return block.subarray(0, end);
}

/** A protected slot needs its code at payload bytes 52..57; an unprotected one ignores them. */
function accessGranted(slot: SlotState | null, payload: Uint8Array): boolean {
  if (slot === null || !hasAccessCode(slot)) return true;
  const given = Buffer.from(payload.subarray(CONFIG_SIZE, CONFIG_SIZE + ACCESS_CODE_SIZE)).toString('hex');
  return given === slot.accessCode;
}

/** pgmSeq counts successful writes (one byte, wrapping) and reads 0 while no slot is valid (sheet §2.2, §10). */
function written(state: EmulatorState, command: number): CommandOutcome {
  const anyValid = state.slots[0] !== null || state.slots[1] !== null;
  state.pgmSeq = anyValid ? (state.pgmSeq + 1) & 0xff : 0;
  return { kind: 'written', command };
}

function rejected(reason: RejectReason): CommandOutcome {
  return { kind: 'rejected', reason };
}
