import { useEffect } from 'react';
import type { Theme } from '../../shared/settings-api.js';
import { useSettings } from './data/settings.js';

const KEY = 'latchkey.theme';

/**
 * The theme lives in the vault's settings, which need it unlocked; a copy in localStorage (not a
 * secret) lets the lock screen wear it too.
 */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage may be unavailable (a file:// origin in some set-ups); the theme still applies now.
  }
}

export function applyStoredTheme(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    return;
  }
  if (stored === 'light' || stored === 'dark') document.documentElement.dataset.theme = stored;
}

/**
 * The one place the theme is applied while unlocked: from the settings store, whenever the settings
 * change (in the settings dialog, or by the CLI through `settings.changed`).
 */
export function useSettingsTheme(): void {
  const theme = useSettings().settings?.theme;
  useEffect(() => {
    if (theme !== undefined) applyTheme(theme);
  }, [theme]);
}
