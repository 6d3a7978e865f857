import { Secret } from 'otpauth';

export type Base32Problem = 'empty' | 'alphabet' | 'no-bytes';
export type Base32Result = { ok: true; bytes: Uint8Array } | { ok: false; problem: Base32Problem };

const BASE32_ALPHABET = /^[A-Z2-7]*$/;

/**
 * The lenient reading real exporters need: case-insensitive, with spaces, dashes and `=` padding
 * ignored (see shared/formats/otpauth-uri.md).
 */
export function normalizeBase32(text: string): string {
  return text.replace(/[\s=-]/g, '').toUpperCase();
}

export function decodeBase32(text: string): Base32Result {
  const normalized = normalizeBase32(text);
  if (normalized.length === 0) return { ok: false, problem: 'empty' };
  if (!BASE32_ALPHABET.test(normalized)) return { ok: false, problem: 'alphabet' };
  const bytes = Secret.fromBase32(normalized).bytes;
  // One character carries only 5 bits: a secret must decode to at least one whole byte.
  if (bytes.length === 0) return { ok: false, problem: 'no-bytes' };
  return { ok: true, bytes };
}

export function describeBase32Problem(problem: Base32Problem): string {
  switch (problem) {
    case 'empty':
      return 'secret is empty';
    case 'alphabet':
      return 'secret is not Base32: only A-Z and 2-7 are allowed (spaces, dashes and = are ignored)';
    case 'no-bytes':
      return 'secret is too short: it decodes to no bytes';
  }
}

/** RFC 4648 Base32 without padding, as otpauth URIs carry it. */
export function encodeBase32(bytes: Uint8Array): string {
  return new Secret({ buffer: copyToArrayBuffer(bytes) }).base32;
}

function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}
