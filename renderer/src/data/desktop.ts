import type { DesktopPreferences } from '../../../shared/desktop-api.js';
import { latchkey } from './client.js';
import { mutation, query } from './store.js';

/**
 * The desktop preferences and what this desktop can do (tray, shortcut, type-the-code, content
 * protection, hide codes), read again when main says they changed. Kept through a lock: none of it
 * is secret, and the quick window's lock screen needs it too.
 */
export const desktopState = query('desktop.get', (client, _: undefined) => client.call('desktop.get', {}), { refreshOn: ['desktop.changed'], keepWhenLocked: true });

export const setDesktop = mutation((client, patch: Partial<Omit<DesktopPreferences, 'shortcutAsked'>>) => client.call('desktop.set', patch));
/** Quick search: Enter copies the code and hides the window. */
export const quickCopy = mutation((client, id: string) => client.call('desktop.quick.copy', { id }));
/** Quick search: Shift+Enter types the code into the window behind (opt-in). */
export const quickType = mutation((client, id: string) => client.call('desktop.quick.type', { id }));
export const quickHide = mutation((client, _: undefined) => client.call('desktop.quick.hide', {}));
export const openMainWindow = mutation((client, _: undefined) => client.call('desktop.openMain', {}));
/** The accounts matching what was typed in quick search, by main's matcher (the CLI's `code QUERY` one). */
export const quickMatches = query('accounts.list', (client, text: string) => client.call('accounts.list', { query: text }), { refreshOn: ['accounts.changed'] });

/** Main asks the page to let the user pick the quick-search shortcut (the first use of the tray). */
export function onChooseShortcut(listener: () => void): () => void {
  return latchkey().on('desktop.chooseShortcut', () => {
    listener();
  });
}
