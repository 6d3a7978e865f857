import { LatchkeyError } from '../../../shared/errors.js';
import { nitrokey3Dialect, OathSession, yubikeyDialect, type ApduTransport, type OathSessionOptions } from '../../keys/oath/index.js';
import { readYubiKeySerial } from '../../keys/pcsc/yubikey-serial.js';
import type { SyncKeyKind } from './model.js';
import type { SyncKey } from './observe.js';

export interface OpenSyncKeyOptions extends OathSessionOptions {
  /** A YubiKey's OATH access password (unlocked right after SELECT). */
  readonly password?: string;
  /** Else the access key remembered for this YubiKey (tried only when it has a password; wiped by the caller). */
  readonly accessKey?: Uint8Array;
  /** A Nitrokey 3's PIN, for its PIN-protected credentials. */
  readonly pin?: string;
}

/**
 * One key ready for a sync over an open transport: its serial (a YubiKey's from the Management
 * applet, read before the OATH applet is selected; an NK3's from the Secrets App's SELECT), then
 * the OATH session, unlocked when a password is given. The inventory is kept by serial, so a key
 * that hides its serial can't be synced (KEY_UNSUPPORTED), never guessed.
 */
export async function openSyncKey(transport: ApduTransport, kind: SyncKeyKind, options: OpenSyncKeyOptions = {}): Promise<SyncKey> {
  const { password, accessKey, pin, ...sessionOptions } = options;
  const managementSerial = kind === 'yubikey-oath' ? await readYubiKeySerial(transport) : null;
  const session = await OathSession.open(transport, kind === 'yubikey-oath' ? yubikeyDialect : nitrokey3Dialect, sessionOptions);
  const serial = managementSerial ?? session.info.serial ?? null;
  if (serial === null) throw new LatchkeyError('KEY_UNSUPPORTED', `this ${session.dialect.product} does not tell its serial, which the inventory needs to know it again`);
  if (password !== undefined) await session.unlock({ password });
  else if (accessKey !== undefined && session.info.hasPassword) await session.unlock({ accessKey });
  return { serial, kind, session, ...(pin === undefined ? {} : { pin }) };
}
