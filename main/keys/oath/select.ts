import { LatchkeyError } from '../../../shared/errors.js';
import { deviceIdForSalt } from './access-key.js';
import { TAG } from './constants.js';
import type { OathDialect } from './dialects.js';
import type { OathKeyInfo } from './model.js';
import { findTlv, parseTlvs } from './tlv.js';

/**
 * A SELECT answer, TLVs in any order (YubiKey sheet §4, NK3 sheet §4): 79 version (mandatory), 71
 * salt, 74 the challenge VALIDATE must answer (YubiKey with a password), 82 PIN attempts (NK3
 * with a PIN), 8F serial (NK3). The challenge is kept apart: it is for this session only.
 */
export function parseSelect(data: Uint8Array, dialect: OathDialect): { readonly info: OathKeyInfo; readonly challenge: Uint8Array | undefined } {
  const tlvs = parseTlvs(data, dialect.responseLengths);
  const version = findTlv(tlvs, TAG.VERSION);
  if (version?.length !== 3) throw new LatchkeyError('KEY_PROTOCOL', 'the key’s SELECT answer has no version');
  const salt = findTlv(tlvs, TAG.NAME);
  const attempts = findTlv(tlvs, TAG.PIN_ATTEMPTS);
  const serial = findTlv(tlvs, TAG.SERIAL);
  const challenge = findTlv(tlvs, TAG.CHALLENGE);
  const parsed = { major: version[0] ?? 0, minor: version[1] ?? 0, patch: version[2] ?? 0 };
  return {
    challenge,
    info: {
      version: parsed,
      salt,
      deviceId: salt === undefined ? undefined : deviceIdForSalt(salt),
      serial: serial?.length === 4 ? new DataView(serial.buffer, serial.byteOffset, 4).getUint32(0, false) : undefined,
      hasPassword: challenge !== undefined,
      hasPin: attempts !== undefined,
      pinAttemptsRemaining: attempts?.[0],
      capacity: dialect.capacity(parsed),
    },
  };
}
