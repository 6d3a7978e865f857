import { HOTP, Secret, TOTP } from 'otpauth';
import type { HotpParams, OtpParams } from '../../shared/account.js';
import { counterBytes, dynamicTruncate, hmacDigest } from './hmac.js';
import { steamCode } from './steam.js';

/** A code and the window in which it is valid, in unix seconds (null for HOTP: valid until used). */
export interface OtpCode {
  readonly code: string;
  readonly validFrom: number | null;
  readonly validUntil: number | null;
}

/**
 * Generates the codes of one account. The secret is decoded once, when the generator is made, not
 * per code: a listing of thousands of accounts then costs one HMAC each per tick.
 */
export interface CodeGenerator {
  /** The code at a moment (unix milliseconds); a HOTP generator answers for its stored counter. */
  codeAt(unixMs: number): OtpCode;
  /** Zeroes this generator's copy of the secret. */
  dispose(): void;
}

export function createCodeGenerator(params: OtpParams, secret: Uint8Array): CodeGenerator {
  // Our own copy, in its own ArrayBuffer, so dispose() can wipe it without touching the caller's.
  const key = new Uint8Array(secret);
  const otpSecret = new Secret({ buffer: key.buffer });
  const hmac = (_algorithm: string, hmacKey: Uint8Array, message: Uint8Array): Uint8Array =>
    hmacDigest(params.algorithm, hmacKey, message);

  const codeAt = ((): ((unixMs: number) => OtpCode) => {
    switch (params.type) {
      case 'totp': {
        const { algorithm, digits, period } = params;
        return (unixMs) => ({
          code: TOTP.generate({ secret: otpSecret, algorithm, digits, period, timestamp: unixMs, hmac }),
          ...timeWindow(unixMs, period),
        });
      }
      case 'steam': {
        const { period } = params;
        return (unixMs) => {
          const window = timeWindow(unixMs, period);
          return { code: steamCode(key, BigInt(window.validFrom / period)), ...window };
        };
      }
      case 'hotp': {
        const code = hotpCode(params, otpSecret, hmac);
        return () => ({ code, validFrom: null, validUntil: null });
      }
    }
  })();

  return {
    codeAt,
    dispose: () => {
      key.fill(0);
    },
  };
}

/**
 * One code from a seed that is about to be wiped: no copy and no generator object, for listings that
 * open each seed for exactly one HMAC. The caller owns `secret` and zeroes it afterwards.
 */
export function codeOnce(params: OtpParams, secret: Uint8Array, unixMs: number): OtpCode {
  if (params.type !== 'totp') return createCodeGenerator(params, secret).codeAt(unixMs);
  const { algorithm, digits, period } = params;
  const otpSecret = new Secret({ buffer: secret.buffer.slice(secret.byteOffset, secret.byteOffset + secret.byteLength) });
  const hmac = (_algorithm: string, key: Uint8Array, message: Uint8Array): Uint8Array => hmacDigest(algorithm, key, message);
  const code = TOTP.generate({ secret: otpSecret, algorithm, digits, period, timestamp: unixMs, hmac });
  otpSecret.bytes.fill(0);
  return { code, ...timeWindow(unixMs, period) };
}

function timeWindow(unixMs: number, period: number): { validFrom: number; validUntil: number } {
  const validFrom = Math.floor(unixMs / 1000 / period) * period;
  return { validFrom, validUntil: validFrom + period };
}

function hotpCode(params: HotpParams, secret: Secret, hmac: (a: string, k: Uint8Array, m: Uint8Array) => Uint8Array): string {
  const { algorithm, digits, counter } = params;
  if (counter <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return HOTP.generate({ secret, algorithm, digits, counter: Number(counter), hmac });
  }
  // otpauth takes the counter as a JS number, which cannot hold counters past 2^53 exactly.
  const value = dynamicTruncate(hmacDigest(algorithm, secret.bytes, counterBytes(counter)));
  return (value % 10 ** digits).toString().padStart(digits, '0');
}
