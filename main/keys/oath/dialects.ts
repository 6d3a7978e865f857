import { INS, PUT_PROPERTY, SW, TAG } from './constants.js';
import { formatVersion, versionAtLeast, type OathAlgorithm, type OathType, type OathVersion } from './model.js';
import type { ApduForm } from './protocol.js';
import type { ResponseLengths } from './tlv.js';

/** The commands whose touch rule or status words differ between keys. */
export type OathOperation = 'select' | 'list' | 'put' | 'delete' | 'rename' | 'calculate' | 'calculate-all' | 'reset' | 'validate' | 'set-code' | 'verify-pin' | 'set-pin' | 'change-pin';

/** What LIST said about one entry beyond its id. */
export interface ListedProperties {
  readonly touch: boolean | undefined;
  readonly pinProtected: boolean | undefined;
}

/**
 * Everything the YubiKey OATH applet and the NK3 Secrets App do differently, as data and small
 * functions; the session holds no `if (nitrokey)`. Sources: YubiKey sheet §11–12, NK3 sheet §3–8.
 */
export interface OathDialect {
  readonly key: 'yubikey' | 'nitrokey3';
  /** For messages: "YubiKey", "Nitrokey 3". */
  readonly product: string;
  readonly apduForm: ApduForm;
  readonly responseLengths: ResponseLengths;
  /** Bytes of the whole id, `period/` and `issuer:` included. */
  readonly idByteLimit: number;
  readonly secretMinLength: number;
  /** What locks the key: an access password (YubiKey) or a PIN (NK3). */
  readonly authKind: 'password' | 'pin';
  /** "No such credential": 6984 on a YubiKey, 6A82 on an NK3 (trap 6). */
  readonly notFoundSw: number;
  /** The challenge a HOTP CALCULATE carries: the YubiKey takes `74 00`, the NK3 needs 8 bytes (ignored). */
  readonly hotpChallenge: Uint8Array;
  /** CALCULATE ALL exists (the NK3 firmware leaves it out), and so does CALCULATE with P2 = 00 (full HMAC). */
  readonly hasCalculateAll: boolean;
  readonly hasFullResponse: boolean;
  capacity(version: OathVersion): number;
  /** Why this key cannot hold such a credential, or null when it can. Checked before any PUT. */
  refuseCredential(type: OathType, algorithm: OathAlgorithm, touch: boolean, version: OathVersion): string | null;
  /** The bytes after the key TLV in a PUT: the property (tag + value, no length) and the counter. */
  putTail(type: OathType, touch: boolean, counter: number): Uint8Array;
  /** LIST's request data (NK3 v1 asks for the properties byte). */
  listRequest(version: OathVersion): Uint8Array;
  /** Reads a LIST entry's value `[type|algo, id…, (props)]` as the request asked for it. */
  splitListEntry(value: Uint8Array, version: OathVersion): { readonly typeByte: number; readonly id: Uint8Array; readonly properties: ListedProperties };
  /** Whether the key waits for a touch: true, false, or 'maybe' (a YubiKey HOTP might need one). */
  needsTouch(operation: OathOperation, credentialTouch: boolean | undefined, type: OathType | undefined): boolean | 'maybe';
  /** The rename command on this firmware, or why there is none. */
  rename(version: OathVersion): { readonly ins: number } | { readonly unsupported: string };
  /** The key refuses a PUT onto an existing id (6983) rather than overwriting it. */
  refusesDuplicatePut(version: OathVersion): boolean;
}

const v = (major: number, minor: number, patch: number): OathVersion => ({ major, minor, patch });
const atLeast = (version: OathVersion, min: OathVersion) => versionAtLeast(version, min.major, min.minor, min.patch);
const needs = (what: string, min: OathVersion, version: OathVersion) => `${what} needs firmware ${formatVersion(min)} or later; this key has ${formatVersion(version)}`;

const YUBIKEY_SHA512 = v(4, 3, 1);
const YUBIKEY_TOUCH = v(4, 2, 6);
const YUBIKEY_RENAME = v(5, 3, 1);
const YUBIKEY_LARGE_STORAGE = v(5, 7, 0);

/** The YubiKey OATH applet over PC/SC, as yubikit 4 speaks it (the vectors' `capdu`). */
export const yubikeyDialect: OathDialect = {
  key: 'yubikey',
  product: 'YubiKey',
  apduForm: 'lc-always',
  responseLengths: 'ber',
  idByteLimit: 64,
  secretMinLength: 14,
  authKind: 'password',
  notFoundSw: SW.NO_SUCH_OBJECT,
  hotpChallenge: new Uint8Array(0),
  hasCalculateAll: true,
  hasFullResponse: true,
  capacity: (version) => (atLeast(version, YUBIKEY_LARGE_STORAGE) ? 64 : 32),
  refuseCredential(_type, algorithm, touch, version) {
    // YubiKey 4 FIPS (4.4.x) has no SHA512 even though its version is past 4.3.1 (ykman's rule).
    if (algorithm === 'SHA512' && (!atLeast(version, YUBIKEY_SHA512) || (version.major === 4 && version.minor === 4))) {
      return atLeast(version, YUBIKEY_SHA512) ? 'a YubiKey 4 FIPS has no HMAC-SHA512' : needs('HMAC-SHA512', YUBIKEY_SHA512, version);
    }
    if (touch && !atLeast(version, YUBIKEY_TOUCH)) return needs('a touch-required credential', YUBIKEY_TOUCH, version);
    return null;
  },
  putTail(type, touch, counter) {
    const property = touch ? [TAG.PROPERTY, PUT_PROPERTY.REQUIRE_TOUCH] : [];
    // yubikit sends the counter only when it is not 0; big-endian (trap 13).
    const imf = type === 'hotp' && counter > 0 ? [TAG.IMF, 4, ...u32(counter)] : [];
    return Uint8Array.from([...property, ...imf]);
  },
  listRequest: () => new Uint8Array(0),
  splitListEntry: (value) => ({ typeByte: value[0] ?? 0, id: value.slice(1), properties: { touch: undefined, pinProtected: false } }),
  needsTouch(operation, credentialTouch) {
    if (operation !== 'calculate') return false;
    // LIST does not say, and CALCULATE ALL shows a touch HOTP as plain HOTP (trap 8): unknown is "maybe".
    return credentialTouch ?? 'maybe';
  },
  rename: (version) => (atLeast(version, YUBIKEY_RENAME) ? { ins: INS.RENAME } : { unsupported: needs('renaming a credential', YUBIKEY_RENAME, version) }),
  refusesDuplicatePut: () => false,
};

const NK3_LIST_V1 = v(4, 11, 0);
const NK3_UPDATE = v(4, 13, 0);
/** LIST v1 properties byte: other bits than PUT's (NK3 sheet §3). */
const NK3_LISTED = { TOUCH: 0x01, PIN_ENCRYPTED: 0x02 } as const;

/** The Nitrokey 3 Secrets App inside CTAPHID vendor command 0x70. */
export const nitrokey3Dialect: OathDialect = {
  key: 'nitrokey3',
  product: 'Nitrokey 3',
  apduForm: 'lc-when-data',
  responseLengths: 'raw-byte',
  // 128 bytes are stored, but 127 is the most a one-byte BER length carries (NK3 sheet §6).
  idByteLimit: 127,
  secretMinLength: 0,
  authKind: 'pin',
  notFoundSw: SW.NOT_FOUND,
  hotpChallenge: new Uint8Array(8),
  hasCalculateAll: false,
  hasFullResponse: false,
  capacity: () => 50,
  refuseCredential(_type, algorithm) {
    // The NK3 accepts a SHA512 PUT and then answers 6A81 to every CALCULATE (and bumps a HOTP counter).
    return algorithm === 'SHA512' ? 'the Nitrokey 3 stores HMAC-SHA512 credentials but cannot compute their codes' : null;
  },
  putTail(type, touch, counter) {
    // The vectors always send the property; 7A only for HOTP (a TOTP PUT with 7A is refused: 6A80).
    const property = [TAG.PROPERTY, touch ? PUT_PROPERTY.REQUIRE_TOUCH : PUT_PROPERTY.NONE];
    return Uint8Array.from(type === 'hotp' ? [...property, TAG.IMF, 4, ...u32(counter)] : property);
  },
  listRequest: (version) => (atLeast(version, NK3_LIST_V1) ? Uint8Array.of(1) : new Uint8Array(0)),
  splitListEntry(value, version) {
    if (!atLeast(version, NK3_LIST_V1)) return { typeByte: value[0] ?? 0, id: value.slice(1), properties: { touch: undefined, pinProtected: undefined } };
    const properties = value.at(-1) ?? 0;
    return {
      typeByte: value[0] ?? 0,
      id: value.slice(1, -1),
      properties: { touch: (properties & NK3_LISTED.TOUCH) !== 0, pinProtected: (properties & NK3_LISTED.PIN_ENCRYPTED) !== 0 },
    };
  },
  needsTouch(operation, credentialTouch) {
    switch (operation) {
      case 'delete':
      case 'reset':
      case 'rename':
      case 'set-pin':
      case 'change-pin':
        return true;
      case 'verify-pin':
        // The app's README says no touch, its code asks for one (NK3 sheet, open question 3).
        return 'maybe';
      case 'put':
      case 'calculate':
        return credentialTouch ?? 'maybe';
      default:
        return false;
    }
  },
  rename: (version) => (atLeast(version, NK3_UPDATE) ? { ins: INS.UPDATE_CREDENTIAL } : { unsupported: needs('renaming a credential', NK3_UPDATE, version) }),
  refusesDuplicatePut: (version) => atLeast(version, NK3_UPDATE),
};

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
