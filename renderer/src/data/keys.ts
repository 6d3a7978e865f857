import { mutation, query } from './store.js';

/** The keys plugged in (or emulated): read again each time main says one was plugged in or unplugged. */
export const keyList = query('keys.list', (client, _: undefined) => client.call('keys.list', {}), {
  refreshOn: ['keys.changed'],
  refreshOnFocus: true,
});

/** Main watches the USB bus only while the keys panel asks it to (on when it opens, off when it closes). */
export const watchKeys = mutation((client, request: { readonly on: boolean }) => client.call('keys.watch', request));
