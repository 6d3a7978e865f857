import { LatchkeyError, type ErrorCode } from '../../../shared/errors.js';

/** CTAPHID_ERROR codes (sheet §2 "Errors"), as the key sends them in a 1-byte ERROR message. */
export const CTAPHID_ERROR = {
  INVALID_CMD: 0x01,
  INVALID_PAR: 0x02,
  INVALID_LEN: 0x03,
  INVALID_SEQ: 0x04,
  MSG_TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  OTHER: 0x7f,
} as const;

const MEANINGS: Readonly<Record<number, { readonly name: string; readonly code: ErrorCode; readonly says: string }>> = {
  [CTAPHID_ERROR.INVALID_CMD]: { name: 'INVALID_CMD', code: 'KEY_UNSUPPORTED', says: 'the key does not know this command (no such application on this key?)' },
  [CTAPHID_ERROR.INVALID_PAR]: { name: 'INVALID_PAR', code: 'KEY_PROTOCOL', says: 'the key refused a parameter of the message' },
  [CTAPHID_ERROR.INVALID_LEN]: { name: 'INVALID_LEN', code: 'KEY_PROTOCOL', says: 'the key refused the length of the message (or, for the Secrets App, a malformed APDU)' },
  [CTAPHID_ERROR.INVALID_SEQ]: { name: 'INVALID_SEQ', code: 'KEY_PROTOCOL', says: 'the key lost the order of our packets' },
  [CTAPHID_ERROR.MSG_TIMEOUT]: { name: 'MSG_TIMEOUT', code: 'KEY_TIMEOUT', says: 'the key gave up waiting for the rest of our message' },
  [CTAPHID_ERROR.CHANNEL_BUSY]: { name: 'CHANNEL_BUSY', code: 'KEY_TIMEOUT', says: 'another program (a browser doing FIDO?) kept the key busy' },
  [CTAPHID_ERROR.LOCK_REQUIRED]: { name: 'LOCK_REQUIRED', code: 'KEY_PROTOCOL', says: 'the key wants a channel lock we never asked for' },
  [CTAPHID_ERROR.INVALID_CHANNEL]: { name: 'INVALID_CHANNEL', code: 'KEY_PROTOCOL', says: 'the key does not know our channel' },
  [CTAPHID_ERROR.OTHER]: { name: 'OTHER', code: 'KEY_PROTOCOL', says: 'the key reported an unspecified error' },
};

/** The typed error for a CTAPHID ERROR message; `details.ctaphidError` keeps the key's own name. */
export function ctaphidError(payload: Uint8Array): LatchkeyError {
  const byte = payload[0];
  const meaning = byte === undefined ? undefined : MEANINGS[byte];
  if (meaning === undefined) {
    return new LatchkeyError('KEY_PROTOCOL', `the key sent CTAPHID error ${byte === undefined ? '(empty)' : `0x${byte.toString(16)}`}`, { ctaphidError: byte ?? null });
  }
  return new LatchkeyError(meaning.code, meaning.says, { ctaphidError: meaning.name });
}
