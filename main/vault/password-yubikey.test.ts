import { beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { peerAvailable, runPython } from '../test-support/python-peer.js';
import { newYubiKeyChallenge, passwordYubiKeyKek, YUBIKEY_CHALLENGE_BYTES } from './password-yubikey.js';
import { randomBytes } from './random.js';
import { loadSodium, type Sodium, type SodiumBackend } from './sodium.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.each<SodiumBackend>(['native', 'wasm'])('the password+YubiKey key (%s libsodium)', (backend) => {
  let sodium: Sodium;
  beforeAll(async () => {
    sodium = await loadSodium({ prefer: backend });
  });

  it.skipIf(!peerAvailable('nacl'))('is keyed BLAKE2b-256 over the domain and the response, as PyNaCl computes it', () => {
    const passwordKey = randomBytes(32);
    const response = new Uint8Array(createHmac('sha1', randomBytes(20)).update(newYubiKeyChallenge()).digest());
    const theirs = runPython(
      `import json,sys
from nacl.hash import blake2b
from nacl.encoding import HexEncoder
d=json.load(sys.stdin)
print(json.dumps(blake2b(b"LK pw+yk v1" + bytes.fromhex(d['r']), digest_size=32, key=bytes.fromhex(d['k']), encoder=HexEncoder).decode()))`,
      { k: hex(passwordKey), r: hex(response) },
    );
    expect(hex(passwordYubiKeyKek(sodium, passwordKey, response))).toBe(theirs);
  });

  it('depends on both factors', () => {
    const passwordKey = randomBytes(32);
    const response = randomBytes(20);
    const kek = hex(passwordYubiKeyKek(sodium, passwordKey, response));
    const otherResponse = response.slice();
    otherResponse.set([(response[19] ?? 0) ^ 1], 19);
    expect(hex(passwordYubiKeyKek(sodium, passwordKey, otherResponse))).not.toBe(kek);
    expect(hex(passwordYubiKeyKek(sodium, randomBytes(32), response))).not.toBe(kek);
  });

  it('refuses a response that is not 20 bytes (a truncated read must not become a weaker key)', () => {
    expect(() => passwordYubiKeyKek(sodium, randomBytes(32), randomBytes(19))).toThrow(RangeError);
  });
});

it('makes fresh 32-byte challenges', () => {
  const a = newYubiKeyChallenge();
  expect(a).toHaveLength(YUBIKEY_CHALLENGE_BYTES);
  expect(hex(newYubiKeyChallenge())).not.toBe(hex(a));
});
