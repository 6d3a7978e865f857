import { randomBytes } from 'node:crypto';
import type { keysChannels } from '../../../shared/keys-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { overwriteWarning, type OtpOperationOptions, type OtpSessionOptions, type OtpSlot, type OtpStatus } from '../../keys/yubikey-otp/index.js';
import type { KeyWrites, VaultSession } from '../../vault/index.js';
import { createDevices, type Devices } from '../devices.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { Operation } from '../operations.js';
import { afterReauth, afterReauthIfGiven } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';
import { KeyConnector, type OpenKey } from './keys-connect.js';
import { mergeKeyListings } from './keys-listing.js';
import { oathHandlers } from './keys-oath.js';
import { RememberedAccessKeys } from './keys-oath-access.js';
import { OathKeyConnector } from './keys-oath-connect.js';
import { hotpSlotPlan } from './keys-hotp.js';
import { KeyWatchLeases } from './keys-watch.js';
import { updateKeyWrites, withSlotCleared, withSlotsSwapped, withSlotWritten, type SlotWrite } from './keys-record.js';

export type KeysChannel = keyof typeof keysChannels;

export interface KeysDeps {
  readonly host: VaultHost;
  readonly clock: Clock;
  /** Where keys are found; by default real ones, or the emulators named by `emulators`. */
  readonly devices?: Devices;
  /** The CLI's `--emulator` values. */
  readonly emulators?: readonly string[];
  /** One line per HID report (the CLI's --trace); the data of reports carrying a secret are hidden. */
  readonly trace?: (line: string) => void;
  /** The driver's clock and timeouts (tests); the real ones by default. */
  readonly session?: Omit<OtpSessionOptions, 'trace'>;
  /** Told of each plug and unplug while keys.watch is on (the service emits `keys.changed`). */
  readonly onKeysChanged?: () => void;
  /** How long a keys.watch lease lasts unrenewed (e2e: short, to see a reloaded page's watch end). */
  readonly watchLeaseMs?: number;
  /** Aborted by the service's shutdown: the plug watch ends then, whoever holds it. */
  readonly shutdown?: AbortSignal;
}

/** A generated challenge-response key: 20 bytes, the most a slot holds. */
const GENERATED_KEY_BYTES = 20;
const TOUCH_STAGE = 'Touch your YubiKey…';

const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const unixSeconds = (clock: Clock) => Math.floor(clock.now() / 1000);

export function keysHandlers(deps: KeysDeps): HandlersFor<KeysChannel> {
  const { host, clock } = deps;
  let devices = deps.devices;
  const findDevices = () => (devices ??= createDevices(deps.emulators === undefined ? {} : { emulators: deps.emulators }));
  const keys = new KeyConnector(findDevices, deps.session ?? {}, deps.trace);
  const oathKeys = new OathKeyConnector(findDevices, deps.session === undefined ? {} : { ...(deps.session.clock === undefined ? {} : { clock: deps.session.clock }) }, deps.trace);

  /**
   * The vault session a write will record into, asked for before the key is touched: a locked vault
   * is VAULT_LOCKED with the key unchanged, not a key changed and a record that can't follow.
   */
  const recordingSession = (updateRecord: boolean): VaultSession | undefined => {
    if (!updateRecord) return undefined;
    const session = host.session();
    // Such a vault saves nothing until it is verified: found out now, not after the key has changed.
    if (!session.manifestTrusted) {
      throw new LatchkeyError('VAULT_INTEGRITY', "the vault saves nothing until its manifest is checked (`latchkey vault verify`), so what is written to a key could not be recorded; the key was not changed", {
        part: 'manifest',
      });
    }
    return session;
  };

  /** Notes a confirmed write in the record, when asked to and the key has a serial to file it under. */
  const record = (session: VaultSession | undefined, key: OpenKey, change: (writes: KeyWrites, serial: number) => KeyWrites): boolean => {
    const { serial } = key.summary;
    if (session === undefined || serial === null) return false;
    try {
      session.transaction((tx) => {
        updateKeyWrites(tx.records, (writes) => change(writes, serial));
      });
    } catch (error) {
      // A full disk, say: the key's change stands, and the user must know the record missed it.
      if (!(error instanceof LatchkeyError)) throw error;
      throw new LatchkeyError(error.code, `the key was changed, but the vault's record of it could not be written: ${error.message}`, error.details);
    }
    return true;
  };

  // One watch for the process, held by each open panel under its own lease (keys-watch.ts).
  const watchLeases = new KeyWatchLeases(() => findDevices().watchKeys(() => deps.onKeysChanged?.()), deps.watchLeaseMs === undefined ? {} : { leaseMs: deps.watchLeaseMs });
  if (deps.shutdown?.aborted === true) watchLeases.endAll();
  deps.shutdown?.addEventListener('abort', () => {
    watchLeases.endAll();
  }, { once: true });

  return {
    ...oathHandlers({ host, clock, keys: oathKeys, remembered: RememberedAccessKeys.forHost(host, clock) }),

    'keys.list': async () => {
      const otp = await keys.list();
      // PC/SC missing (no pcscd, no `smartcard` addon) hides only the CCID keys: say so, list the rest (a Nitrokey 3 is HID).
      const oath = await oathKeys.list();
      return { keys: mergeKeyListings(otp, oath.keys), ...(oath.unavailable.length === 0 ? {} : { unavailable: oath.unavailable.map((error) => error.message) }) };
    },

    'keys.watch': ({ on, holder }) => {
      if (on) watchLeases.hold(holder);
      else watchLeases.release(holder);
      return Promise.resolve({ leaseMs: watchLeases.leaseMs });
    },

    'keys.status': async ({ serial, includeRecord }) => {
      const session = includeRecord ? host.session() : undefined;
      return keys.withKey(serial, async (key) => {
        const status = await key.session.status();
        const written = session === undefined || key.summary.serial === null ? undefined : session.records.get('key-writes')?.[String(key.summary.serial)];
        return {
          key: key.summary,
          pgmSeq: status.pgmSeq,
          slots: status.slots.map((state) => {
            const write = written?.[state.slot === 1 ? '1' : '2'];
            return {
              slot: state.slot,
              configured: state.configured ?? null,
              touchTriggered: state.touchTriggered ?? null,
              ...(write === undefined ? {} : { written: describeWrite(session, write) }),
            };
          }),
          recordRead: session !== undefined,
        };
      });
    },

    'keys.program': async (request, operation) => {
      const { credential, slot } = request;
      const session = recordingSession(request.updateRecord);
      const write = {
        overwrite: request.overwrite,
        signal: operation.signal,
        ...(request.accessCode === undefined ? {} : { currentAccessCode: hexBytes(request.accessCode) }),
      };
      const newAccessCode = request.newAccessCode === undefined ? {} : { accessCode: hexBytes(request.newAccessCode) };
      if (credential.kind === 'hotp') {
        // One check covers the copy and an overwrite: two passwords would make one of them go unchecked.
        if (request.vaultPassword !== undefined && request.vaultPassword !== credential.vaultPassword) {
          throw new LatchkeyError('INVALID_REQUEST', 'give the vault password once, in credential.vaultPassword, to program a HOTP account; nothing was written');
        }
        // The account's secret leaves the vault (onto the key): the vault password again, as for every copy.
        return afterReauth(host, credential.vaultPassword, async (vault) => {
          const account = vault.account(credential.accountId);
          const plan = hotpSlotPlan(account);
          const secret = vault.withSecret(credential.accountId, (seed) => Uint8Array.from(seed));
          try {
            return await keys.withKey(request.serial, async (key) => {
              const status = await key.hidingSecrets(() => key.session.programHotp(slot, { key: secret, ...plan, ...newAccessCode }, write));
              const recorded = record(session, key, (writes, serial) =>
                withSlotWritten(writes, serial, slot, { accountId: account.id, kind: 'hotp', writtenAt: unixSeconds(clock), touch: true }),
              );
              return { key: key.summary, slot, pgmSeq: status.pgmSeq, recorded, kind: 'hotp' as const, counter: String(plan.initialMovingFactor) };
            });
          } finally {
            secret.fill(0);
          }
        });
      }
      const { keyHex } = credential;
      const generated = keyHex === undefined;
      // An overwrite from the page comes with the vault password again (the renderer door requires it).
      return afterReauthIfGiven(
        host,
        request.vaultPassword,
        async () => {
          const secret = keyHex === undefined ? new Uint8Array(randomBytes(GENERATED_KEY_BYTES)) : hexBytes(keyHex);
          try {
            return await keys.withKey(request.serial, async (key) => {
              const options = { key: secret, requireTouch: credential.touch, ...newAccessCode };
              const status = await key.hidingSecrets(() => key.session.programChallengeResponse(slot, options, write));
              const recorded = record(session, key, (writes, serial) =>
                withSlotWritten(writes, serial, slot, { kind: 'challenge-response', writtenAt: unixSeconds(clock), touch: credential.touch }),
              );
              return {
                key: key.summary,
                slot,
                pgmSeq: status.pgmSeq,
                recorded,
                kind: 'challenge-response' as const,
                // Shown once, so the user can program a backup key with it; Latchkey keeps no copy.
                ...(generated ? { generatedKeyHex: toHex(secret) } : {}),
              };
            });
          } finally {
            secret.fill(0);
          }
        },
        operation,
      );
    },

    'keys.challenge': ({ serial, slot, challengeHex }, operation) =>
      keys.withKey(serial, async (key) => {
        // The driver honours the cancel itself: it tells the key to stop waiting for the touch.
        const response = await key.session.calculateHmacSha1(slot, hexBytes(challengeHex), touchOptions(operation, key));
        return { key: key.summary, responseHex: toHex(response) };
      }),

    'keys.delete': async (request, operation) => {
      const { slot } = request;
      const session = recordingSession(request.updateRecord);
      // A confirmed delete from the page comes with the vault password again (the renderer door requires it).
      return afterReauthIfGiven(
        host,
        request.vaultPassword,
        () =>
          keys.withKey(request.serial, async (key) => {
            if (!request.confirmed) refuseIfProgrammed(await key.session.status(), slot);
            // The frame carries the slot's access code, when it has one.
            const status = await key.hidingSecrets(() =>
              key.session.deleteSlot(slot, {
                signal: operation.signal,
                ...(request.accessCode === undefined ? {} : { currentAccessCode: hexBytes(request.accessCode) }),
              }),
            );
            const recorded = record(session, key, (writes, serial) => withSlotCleared(writes, serial, slot));
            return { key: key.summary, slot, pgmSeq: status.pgmSeq, recorded };
          }),
        operation,
      );
    },

    'keys.swap': async (request, operation) => {
      const session = recordingSession(request.updateRecord);
      return keys.withKey(request.serial, async (key) => {
        const status = await key.session.swapSlots({ signal: operation.signal });
        const recorded = record(session, key, (writes, serial) => withSlotsSwapped(writes, serial));
        return { key: key.summary, pgmSeq: status.pgmSeq, recorded };
      });
    },
  };
}

/** The driver's touch wait as one `op.progress` naming the key (the CLI prints its stage once). */
function touchOptions(operation: Operation, key: OpenKey): OtpOperationOptions {
  return {
    signal: operation.signal,
    onProgress: () => {
      operation.progress(TOUCH_STAGE, undefined, { needsTouch: true, ...(key.summary.serial === null ? {} : { key: String(key.summary.serial) }) });
    },
  };
}

/** KEY_CREDENTIAL_EXISTS with the slot's warning (slot 1: maybe Yubico's factory credential) before an unconfirmed delete. */
function refuseIfProgrammed(status: OtpStatus, slot: OtpSlot): void {
  const warning = overwriteWarning(status, slot);
  if (warning !== null) {
    throw new LatchkeyError('KEY_CREDENTIAL_EXISTS', `${warning} Nothing was deleted; delete only when asked to.`, { slot, factoryCredential: slot === 1 });
  }
}

/** A record entry as the status shows it, with the account's names while it is still in the vault. */
function describeWrite(session: VaultSession | undefined, write: SlotWrite) {
  let account: { issuer: string; label: string } | undefined;
  if (session !== undefined && write.accountId !== undefined) {
    try {
      const meta = session.account(write.accountId);
      account = { issuer: meta.issuer, label: meta.label };
    } catch {
      account = undefined; // removed (or damaged) since: the record still says what was written
    }
  }
  return { ...write, ...(account === undefined ? {} : { account }) };
}
