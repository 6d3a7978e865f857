import { useCallback, useState } from 'react';
import type { Settings } from '../../../shared/settings-api.js';
import { setQueryData, useMutation, useQuery, type DataError } from './hooks.js';
import { mutation, query } from './store.js';

/**
 * The settings, read once and shared by every screen that shows them (the theme, the settings
 * dialog), read again when main says they changed (here, or by the CLI).
 */
export const settingsQuery = query('settings.get', (client, _: undefined) => client.call('settings.get', {}), { refreshOn: ['settings.changed'] });

const saveSettings = mutation((client, patch: Partial<Settings>) => client.call('settings.set', patch));

export interface SettingsStore {
  readonly settings: Settings | undefined;
  readonly loading: boolean;
  /** Why reading or the last change failed. */
  readonly error: DataError | undefined;
  /** Set when a change was saved (until the next change). */
  readonly saved: boolean;
  /** Shown at once; main's answer (the stored settings) replaces it, or the error puts it back. */
  readonly change: (patch: Partial<Settings>) => void;
}

export function useSettings({ enabled = true }: { enabled?: boolean } = {}): SettingsStore {
  const { data, loading, error } = useQuery(settingsQuery, undefined, { enabled });
  const mutations = useMutation();
  const { run } = mutations;
  const [saved, setSaved] = useState(false);
  const change = useCallback(
    (patch: Partial<Settings>) => {
      setSaved(false);
      const before = data;
      if (before !== undefined) setQueryData(settingsQuery, undefined, { ...before, ...patch });
      void run(saveSettings, patch).then((result) => {
        if (result.ok) {
          setQueryData(settingsQuery, undefined, result.value);
          setSaved(true);
        } else if (before !== undefined) setQueryData(settingsQuery, undefined, before);
      });
    },
    [data, run],
  );
  return { settings: data, loading, error: mutations.error ?? error, saved, change };
}
