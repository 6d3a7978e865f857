import type { OathCalculation, OathCredential, OathProgress, OathSession } from '../../keys/oath/index.js';
import type { KeyObservation, ObservedCredential, SyncKeyKind } from './model.js';

/**
 * A key the sync works on: an open OATH session (a YubiKey already unlocked when it has an access
 * password) and the serial it is known by in the inventory. The caller owns the transport.
 */
export interface SyncKey {
  readonly serial: number;
  readonly kind: SyncKeyKind;
  readonly session: OathSession;
  /** A Nitrokey 3's PIN: its PIN-protected credentials are then listed and compared too. */
  readonly pin?: string;
}

export interface ObserveOptions {
  /** Compute touch-required codes too (each asks for a touch); by default they are compared by listing. */
  readonly allowTouch?: boolean;
  readonly signal?: AbortSignal;
  /** A touch (or keepalive) while a code is computed: which credential, on which key. */
  readonly onProgress?: (progress: OathProgress, credential: string, serial: number) => void;
}

/**
 * What a key holds, and each TOTP code it computes at `time` (unix seconds) without asking for
 * anything: LIST (for the algorithm, and an NK3's touch and PIN flags), then all codes (a YubiKey's
 * CALCULATE ALL also tells which TOTP ones need a touch). HOTP codes are never computed (that would
 * use up a counter value); touch codes only when `allowTouch`, PIN-protected ones only with the PIN.
 */
export async function observeKey(key: SyncKey, time: number, options: ObserveOptions = {}): Promise<KeyObservation> {
  const { session } = key;
  const base = { ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const listed = await session.list({ ...base, ...(key.pin === undefined ? {} : { pin: key.pin }) });
  const calculated = new Map((await session.calculateAll({ ...base, time })).map((entry) => [entry.credential.name, entry]));
  const credentials: ObservedCredential[] = [];
  for (const credential of listed) {
    const calculation = calculated.get(credential.name);
    const merged: OathCredential = { ...credential, touch: credential.touch ?? calculation?.credential.touch };
    credentials.push({
      name: credential.name,
      type: credential.type,
      algorithm: credential.algorithm,
      touch: merged.touch,
      pinProtected: credential.pinProtected,
      code: await codeOf(key, merged, calculation, time, options),
    });
  }
  return {
    serial: key.serial,
    kind: key.kind,
    version: session.info.version,
    capacity: session.info.capacity,
    dialect: session.dialect,
    credentials,
    // Only an NK3 with a PIN can hold PIN-encrypted credentials, and only its PIN lists them.
    ...(key.kind === 'nitrokey3' && key.pin === undefined && session.info.hasPin ? { pinHidesCredentials: true } : {}),
  };
}

/** The code the key gave, or one asked for now when the caller allowed it (a touch, the PIN). */
async function codeOf(key: SyncKey, credential: OathCredential, calculation: OathCalculation | undefined, time: number, options: ObserveOptions): Promise<string | null> {
  if (credential.type === 'hotp') return null;
  if (calculation?.code != null) return calculation.code.value;
  const pinProtected = credential.pinProtected === true;
  if (pinProtected && key.pin === undefined) return null;
  const touch = !pinProtected && credential.touch !== false;
  if (touch && options.allowTouch !== true) return null;
  const code = await key.session.calculate(credential, {
    time,
    ...(pinProtected && key.pin !== undefined ? { pin: key.pin } : {}),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (progress) => options.onProgress?.(progress, credential.name, key.serial),
  });
  return code.value;
}
