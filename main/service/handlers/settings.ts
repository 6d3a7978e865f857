import type { HandlersFor } from '../handler-types.js';
import type { IdleLock } from '../idle-lock.js';
import type { SettingsStore } from '../settings-store.js';

type SettingsChannel = 'settings.get' | 'settings.set' | 'app.activity';

export function settingsHandlers(settings: SettingsStore, idleLock: IdleLock): HandlersFor<SettingsChannel> {
  return {
    'settings.get': () => settings.current(),
    'settings.set': (patch) => settings.update(patch),
    // Harmless while locked (the lock screen may send it too): there is no idleness to reset then.
    'app.activity': () => {
      idleLock.noteActivity();
      return {};
    },
  };
}
