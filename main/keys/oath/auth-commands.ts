import { LatchkeyError } from '../../../shared/errors.js';
import { hmacSha1, sameMac } from './access-key.js';
import { HASH_ALGORITHM, INS, OATH_TYPE, TAG } from './constants.js';
import type { OathCommand } from './protocol.js';
import { concatBytes, findTlv, parseTlvs, tlv, type ResponseLengths } from './tlv.js';

/**
 * The APDUs that carry a password's key or a PIN, and the checks on their answers. Every command
 * here is `sensitive`: traces show its length only.
 */

/** VALIDATE (YubiKey sheet §8): our HMAC of the key's SELECT challenge, and our own challenge for the key. */
export function validateCommand(accessKey: Uint8Array, keyChallenge: Uint8Array, ourChallenge: Uint8Array): OathCommand {
  return { ins: INS.VALIDATE, data: concatBytes(tlv(TAG.RESPONSE, hmacSha1(accessKey, keyChallenge)), tlv(TAG.CHALLENGE, ourChallenge)), sensitive: true };
}

/** The key must answer HMAC(access key, our challenge): that proves it, not an impostor, knows the password (trap 19). */
export function checkValidateProof(data: Uint8Array, lengths: ResponseLengths, accessKey: Uint8Array, ourChallenge: Uint8Array): void {
  const proof = findTlv(parseTlvs(data, lengths), TAG.RESPONSE);
  if (proof === undefined || !sameMac(proof, hmacSha1(accessKey, ourChallenge))) {
    throw new LatchkeyError('KEY_PROTOCOL', 'the key accepted the password but could not prove it knows it: this is not the key the password was set on');
  }
}

/** SET CODE with a new access key: 73 [21, key], 74 challenge, 75 HMAC(key, challenge); `21` as yubikit sends it. */
export function setCodeCommand(accessKey: Uint8Array, challenge: Uint8Array): OathCommand {
  const keyValue = concatBytes(Uint8Array.of(OATH_TYPE.totp | HASH_ALGORITHM.SHA1), accessKey);
  return { ins: INS.SET_CODE, data: concatBytes(tlv(TAG.KEY, keyValue), tlv(TAG.CHALLENGE, challenge), tlv(TAG.RESPONSE, hmacSha1(accessKey, challenge))), sensitive: true };
}

/** SET CODE with an empty key (`73 00`) removes the password. */
export const clearCodeCommand = (): OathCommand => ({ ins: INS.SET_CODE, data: tlv(TAG.KEY, new Uint8Array(0)) });

const PIN_BYTES_MAX = 127;

function pinBytes(pin: string): Uint8Array {
  const bytes = new TextEncoder().encode(pin);
  if (bytes.length === 0 || bytes.length > PIN_BYTES_MAX) throw new LatchkeyError('INVALID_REQUEST', `a PIN is 1 to ${String(PIN_BYTES_MAX)} bytes`);
  return bytes;
}

/** NK3 VERIFY PIN / SET PIN (`80 pin`) and CHANGE PIN (`80 old`, `81 new`). */
export const verifyPinCommand = (pin: string): OathCommand => ({ ins: INS.VERIFY_PIN, data: tlv(TAG.PIN, pinBytes(pin)), sensitive: true });
export const setPinCommand = (pin: string): OathCommand => ({ ins: INS.SET_PIN, data: tlv(TAG.PIN, pinBytes(pin)), sensitive: true });
export const changePinCommand = (current: string, next: string): OathCommand => ({
  ins: INS.CHANGE_PIN,
  data: concatBytes(tlv(TAG.PIN, pinBytes(current)), tlv(TAG.NEW_PIN, pinBytes(next))),
  sensitive: true,
});

/** A wrong (or, at 0, blocked) PIN, with the attempts the key has left. */
export function wrongPin(attemptsRemaining: number | null): LatchkeyError {
  const message =
    attemptsRemaining === 0
      ? 'wrong PIN; the PIN is now blocked: only a reset, which erases every credential, makes the key usable again'
      : `wrong PIN${attemptsRemaining === null ? '' : `; ${String(attemptsRemaining)} attempts left`}`;
  return new LatchkeyError('KEY_PIN_WRONG', message, { kind: 'pin', attemptsRemaining, sw: '6300' });
}

export const pinBlocked = () =>
  new LatchkeyError('KEY_PIN_WRONG', 'the PIN is blocked: only a reset, which erases every credential, makes the key usable again', { kind: 'pin', attemptsRemaining: 0 });
