import { existsSync } from 'node:fs';
import { LatchkeyError } from '../../shared/errors.js';
import type { VaultStatus } from '../../shared/vault-api.js';
import { createVaultKdf, loadSodium, type DeriveKey, type SodiumBackend, type KdfParams, type VaultRuntime, type VaultSession, type VaultWrite, type YubiKeyResponder } from '../vault/index.js';
import type { Clock } from './handler-types.js';
import type { Devices } from './devices.js';
import type { KeyChoice, KeyResponders } from './key-responders.js';
import type { Operation } from './operations.js';

export interface VaultHostOptions {
  readonly vaultPath: string;
  readonly clock: Clock;
  readonly kdf?: KdfParams | 'calibrate';
  readonly deriveKey?: DeriveKey;
  readonly busyTimeoutMs?: number;
  /** The plugged YubiKeys, for a vault whose password alone opens no slot (password+YubiKey slots). */
  readonly keys?: KeyResponders;
}

/**
 * Holds the one unlocked session of the service. Unlock-like work runs one at a time (SECURITY-NOTES §6:
 * one attempt in flight), and lock() forgets the keys whichever door asked.
 */
export class VaultHost {
  readonly path: string;
  private current: VaultSession | undefined;
  private runtimePromise: Promise<VaultRuntime> | undefined;
  /** Which libsodium runs the vault, once the runtime has loaded. */
  private backend: SodiumBackend | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: VaultHostOptions;
  private readonly lockListeners: (() => void)[] = [];
  private readonly unlockListeners: (() => void)[] = [];
  private readonly writeListeners: ((written: VaultWrite) => void)[] = [];

  constructor(options: VaultHostOptions) {
    this.options = options;
    this.path = options.vaultPath;
  }

  runtime(): Promise<VaultRuntime> {
    this.runtimePromise ??= loadSodium().then((sodium) => {
      this.backend = sodium.backend;
      return {
        sodium,
        deriveKey: this.options.deriveKey ?? createVaultKdf({ sodium }),
        kdf: this.options.kdf ?? 'calibrate',
        clock: this.options.clock,
        ...(this.options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: this.options.busyTimeoutMs }),
      };
    });
    return this.runtimePromise;
  }

  /**
   * The plugged keys as the vault's responder for one request (asked only when the vault needs its
   * key); undefined when this service has no keys.
   */
  yubikey(operation?: Pick<Operation, 'signal' | 'progress'>, choice?: KeyChoice): YubiKeyResponder | undefined {
    return this.options.keys?.forRequest(operation, choice);
  }

  /** Where the keys are found (loaded on first use); undefined when this service has no keys. */
  get keyDevices(): (() => Promise<Devices>) | undefined {
    const keys = this.options.keys;
    return keys === undefined ? undefined : () => keys.devices();
  }

  /** Runs password work (unlock, re-authentication, KDF) strictly one at a time. */
  serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  get isUnlocked(): boolean {
    return this.current !== undefined && !this.current.isLocked;
  }

  session(): VaultSession {
    if (this.current === undefined || this.current.isLocked) {
      throw new LatchkeyError('VAULT_LOCKED', existsSync(this.path) ? 'the vault is locked' : `there is no vault yet at ${this.path}; create one first`);
    }
    return this.current;
  }

  /** The vault's duplicate keys (type + secret) when it is unlocked, to mark duplicates in previews. */
  duplicateKeysIfUnlocked(): Set<string> | undefined {
    return this.current === undefined || this.current.isLocked ? undefined : this.current.duplicateKeys();
  }

  /**
   * Makes `session` the unlocked one. If an unlock listener fails (the idle lock could not be armed),
   * the vault is locked again before the error goes on: never unlocked without its watchers.
   */
  adopt(session: VaultSession): void {
    this.lock();
    this.current = session;
    session.onWrite((written) => {
      for (const listener of this.writeListeners) listener(written);
    });
    try {
      for (const listener of this.unlockListeners) listener();
    } catch (error) {
      this.lock();
      throw error;
    }
  }

  /** Forgets the keys, then tells every lock listener, even when one of them fails (its error goes on after). */
  lock(): void {
    const wasUnlocked = this.current !== undefined;
    this.current?.lock();
    this.current = undefined;
    if (!wasUnlocked) return;
    const failures: unknown[] = [];
    for (const listener of this.lockListeners) {
      try {
        listener();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  onLock(listener: () => void): void {
    this.lockListeners.push(listener);
  }

  onUnlock(listener: () => void): void {
    this.unlockListeners.push(listener);
  }

  /**
   * Told once after each committed write of this process's session, whichever door or module made
   * it (session.onWrite); another process's commits are not told here (vault-change-watch.ts).
   */
  onWrite(listener: (written: VaultWrite) => void): void {
    this.writeListeners.push(listener);
  }

  status(): VaultStatus {
    const exists = existsSync(this.path);
    const session = this.current !== undefined && !this.current.isLocked ? this.current : undefined;
    const backend = this.backend === undefined ? {} : { backend: this.backend };
    if (session === undefined) return { path: this.path, exists, locked: true, ...backend };
    return {
      path: this.path,
      exists,
      locked: false,
      ...backend,
      unlockedBy: session.unlockedBy,
      accounts: session.list().accounts.length,
      manifest: session.manifestTrusted ? 'ok' : 'mismatch',
    };
  }
}
