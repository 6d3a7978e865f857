import { latchkey } from './client.js';
import { createDataStore } from './store.js';

/** The page's one data store, over `window.latchkey`; the window's focus is the fail-safe refresh. */
export const appData = createDataStore({
  client: latchkey,
  watchFocus: (refresh) => {
    window.addEventListener('focus', refresh);
    return () => {
      window.removeEventListener('focus', refresh);
    };
  },
});
