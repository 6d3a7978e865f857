/**
 * Plain values of an OATH session: what a key holds, what a new credential is, a computed code, and
 * the options every command takes. No behaviour beyond small pure helpers.
 */
import type { KeepaliveStatus } from '../apdu.js';

export type OathType = 'totp' | 'hotp';
export type OathAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface OathVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export const formatVersion = (version: OathVersion) => `${String(version.major)}.${String(version.minor)}.${String(version.patch)}`;

export function versionAtLeast(version: OathVersion, major: number, minor: number, patch: number): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** One credential as the key lists it. Fields the key did not say are undefined, never guessed. */
export interface OathCredential {
  /** The id exactly as the key holds it: DELETE, CALCULATE and RENAME send these bytes back (trap 16). */
  readonly id: Uint8Array;
  /** The id as text (UTF-8), `[period/][issuer:]account`. */
  readonly name: string;
  readonly issuer: string | undefined;
  readonly account: string;
  readonly type: OathType;
  /** Seconds for TOTP (from the `N/` prefix, else 30); 0 for HOTP. */
  readonly period: number;
  /** From LIST; undefined when only CALCULATE ALL was read (it does not say). */
  readonly algorithm: OathAlgorithm | undefined;
  /** From CALCULATE ALL or a calculation; LIST does not say. */
  readonly digits: number | undefined;
  /** YubiKey: known from CALCULATE ALL (7C) for TOTP only; NK3: from LIST v1. Undefined when unknown. */
  readonly touch: boolean | undefined;
  /** NK3 only: encrypted with the PIN, so a VERIFY PIN must come right before using it. */
  readonly pinProtected: boolean | undefined;
}

/** A credential to write. The secret is the raw key (decoded base32), never logged. */
export interface NewOathCredential {
  readonly issuer?: string;
  readonly account: string;
  readonly type: OathType;
  readonly algorithm: OathAlgorithm;
  readonly digits: number;
  readonly secret: Uint8Array;
  /** TOTP only; 30 when omitted. Any other value is kept in the id as `N/`. */
  readonly period?: number;
  /** HOTP only: the first counter value. */
  readonly counter?: number;
  readonly touch?: boolean;
}

export interface OathCode {
  readonly value: string;
  readonly digits: number;
  /** Unix seconds the code became valid (TOTP: its step's start; HOTP: when computed). */
  readonly validFrom: number;
  /** Unix seconds it stops being valid; null for HOTP (valid until used). */
  readonly validTo: number | null;
}

export interface OathCalculation {
  readonly credential: OathCredential;
  /** Null when the key did not compute it: HOTP (would use up a counter value) or touch required. */
  readonly code: OathCode | null;
  readonly notComputed?: 'hotp' | 'touch' | 'pin';
}

/**
 * Told while an operation waits. `needsTouch` comes from the credential's flag and the command's
 * rule, never from a CTAPHID keepalive (the NK3 sends none for these commands); keepalives are
 * passed on as `keepalive` with `needsTouch: false`.
 */
export type OathProgress = { readonly needsTouch: true } | { readonly needsTouch: false; readonly keepalive: KeepaliveStatus };

export interface OathOperationOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: OathProgress) => void;
}

/** What SELECT told about the key (YubiKey sheet §4, NK3 sheet §4). */
export interface OathKeyInfo {
  readonly version: OathVersion;
  /** YubiKey: the 8-byte PBKDF2 salt, new after every RESET. NK3: present only while no PIN is set. */
  readonly salt: Uint8Array | undefined;
  /** ykman's device id: base64 of SHA-256(salt)[:16] without padding. Undefined without a salt. */
  readonly deviceId: string | undefined;
  /** NK3 only (tag 8F). */
  readonly serial: number | undefined;
  /** YubiKey: an access password is set (SELECT carried a challenge). */
  readonly hasPassword: boolean;
  /** NK3: a PIN is set (SELECT carried its attempts left). */
  readonly hasPin: boolean;
  readonly pinAttemptsRemaining: number | undefined;
  /** How many credentials the key holds at most, from its model and version. */
  readonly capacity: number;
}
