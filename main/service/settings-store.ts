import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings-api.js';
import { RECORD_KINDS, type VaultSession } from '../vault/index.js';
import type { VaultHost } from './vault-host.js';

/**
 * The app's preferences, sealed in the vault (so they need it unlocked). Read once per unlock and
 * kept in memory: every request asks for the auto-lock limit, and a vault read there would cost.
 */
export class SettingsStore {
  private cached: { session: VaultSession; settings: Settings } | undefined;
  private readonly listeners: ((settings: Settings) => void)[] = [];

  constructor(private readonly host: VaultHost) {
    host.onLock(() => {
      this.cached = undefined;
    });
  }

  /** The settings of the unlocked vault; VAULT_LOCKED otherwise. */
  current(): Settings {
    const session = this.host.session();
    // Compared by session too: a session can be locked under us (a failed rekey) without host.lock().
    if (this.cached?.session !== session) this.cached = { session, settings: readSettings(session) };
    return this.cached.settings;
  }

  /** Changes the fields given; a field sent as undefined (structured clone keeps them) changes nothing. */
  update(patch: { readonly [K in keyof Settings]?: Settings[K] | undefined }): Settings {
    const session = this.host.session();
    const given = Object.fromEntries(Object.entries(patch as Record<string, unknown>).filter(([, value]) => value !== undefined));
    const settings = settingsFromRecord({ ...this.current(), ...given });
    session.transaction((tx) => {
      tx.records.put('settings', settings);
    });
    this.cached = { session, settings };
    for (const listener of this.listeners) listener(settings);
    return settings;
  }

  onChange(listener: (settings: Settings) => void): void {
    this.listeners.push(listener);
  }
}

/**
 * A record that is absent, or fails its integrity check, gives the defaults rather than an unusable
 * vault; the next settings.set writes a sound record over it.
 */
function readSettings(session: VaultSession): Settings {
  return session.records.get('settings') ?? { ...DEFAULT_SETTINGS };
}

/** Field by field: one bad stored value (an older range, a hand edit) falls back alone to its default. */
export function settingsFromRecord(stored: unknown): Settings {
  return RECORD_KINDS.settings.parse(stored);
}
