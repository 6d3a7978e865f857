import type { Theme } from '../../shared/settings-api.js';

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
