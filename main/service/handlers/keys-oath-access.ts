import { LatchkeyError } from '../../../shared/errors.js';
import type { Clock } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

const toHex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

const byHost = new WeakMap<VaultHost, RememberedAccessKeys>();

/**
 * YubiKey OATH access keys (derived from the access password and the key's salt; never the password)
 * kept for the user, by key serial: in memory while the vault is unlocked (forgotten, and wiped, when
 * it locks), and sealed in the vault's `yubikey-oath-access` record when the user asked to remember.
 * Nothing is kept while the vault is locked: remembering is tied to the vault's own protection.
 */
export class RememberedAccessKeys {
  private readonly inMemory = new Map<number, Uint8Array>();

  constructor(
    private readonly host: VaultHost,
    private readonly clock: Clock,
  ) {
    host.onLock(() => {
      for (const key of this.inMemory.values()) key.fill(0);
      this.inMemory.clear();
    });
  }

  /** The access key known for this serial (memory, then the sealed record), a copy the caller may wipe. */
  get(serial: number): Uint8Array | undefined {
    if (!this.host.isUnlocked) return undefined;
    const held = this.inMemory.get(serial);
    if (held !== undefined) return Uint8Array.from(held);
    const sealed = this.host.session().records.get('yubikey-oath-access')?.[String(serial)];
    return sealed === undefined ? undefined : new Uint8Array(Buffer.from(sealed.accessKeyHex, 'hex'));
  }

  /**
   * Keeps `accessKey` for this serial while the vault is unlocked, and seals it in the vault when
   * `seal` (the vault must then be unlocked: VAULT_LOCKED otherwise, before the key is changed).
   */
  remember(serial: number, accessKey: Uint8Array, seal: boolean): void {
    if (!this.host.isUnlocked) {
      if (seal) throw new LatchkeyError('VAULT_LOCKED', 'the access password can only be remembered in an unlocked vault');
      return;
    }
    this.inMemory.get(serial)?.fill(0);
    this.inMemory.set(serial, Uint8Array.from(accessKey));
    const session = this.host.session();
    const sealed = session.records.get('yubikey-oath-access');
    if (!seal && sealed?.[String(serial)] === undefined) return;
    // Sealed before, or asked now: the record follows the key's current password.
    session.transaction((tx) => {
      tx.records.put('yubikey-oath-access', { ...sealed, [String(serial)]: { accessKeyHex: toHex(accessKey), savedAt: Math.floor(this.clock.now() / 1000) } });
    });
  }

  /**
   * The one instance for a vault host: the OATH channels and the sync channels (handlers/sync.ts)
   * share what was remembered, so a password given to one opens the key for the other.
   */
  static forHost(host: VaultHost, clock: Clock): RememberedAccessKeys {
    const known = byHost.get(host);
    if (known !== undefined) return known;
    const made = new RememberedAccessKeys(host, clock);
    byHost.set(host, made);
    return made;
  }

  /** Forgets the serial's access key (the password was removed, or the remembered one is wrong now). */
  forget(serial: number): void {
    this.inMemory.get(serial)?.fill(0);
    this.inMemory.delete(serial);
    if (!this.host.isUnlocked) return;
    const session = this.host.session();
    const sealed = session.records.get('yubikey-oath-access');
    if (sealed?.[String(serial)] === undefined) return;
    const { [String(serial)]: _gone, ...rest } = sealed;
    session.transaction((tx) => {
      tx.records.put('yubikey-oath-access', rest);
    });
  }
}
