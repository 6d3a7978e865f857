import { describe, expect, it } from 'vitest';
import type { LatchkeyClient } from '../../../shared/client.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { EventName } from '../../../shared/events.js';
import { createDataStore, mutation, query, type DataStore, type QueryDef } from './store.js';

/** A reply the test settles when it chooses. */
interface Pending {
  readonly channel: string;
  readonly request: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A client whose every call waits for the test to answer it (`answer`, `refuse`), and whose events the
 * test sends (`emit`) — main, as the data layer sees it.
 */
function fakeMain() {
  const pending: Pending[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const focus = new Set<() => void>();
  const client = {
    call: (channel: string, request: unknown) =>
      new Promise((resolve, reject) => {
        pending.push({ channel, request, resolve, reject });
      }),
    on: (event: EventName, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as LatchkeyClient;
  const take = (channel: string): Pending => {
    const at = pending.findIndex((p) => p.channel === channel);
    const found = pending[at];
    if (found === undefined) throw new Error(`no call to ${channel} pending (pending: ${pending.map((p) => p.channel).join(', ')})`);
    pending.splice(at, 1);
    return found;
  };
  const store = createDataStore({
    client: () => client,
    watchFocus: (refresh) => {
      focus.add(refresh);
      return () => focus.delete(refresh);
    },
  });
  return {
    store,
    /** Calls not yet answered, by channel. */
    asked: () => pending.map((p) => p.channel),
    requests: (channel: string) => pending.filter((p) => p.channel === channel).map((p) => p.request),
    async answer(channel: string, value: unknown) {
      take(channel).resolve(value);
      await settle();
    },
    async refuse(channel: string, code: ConstructorParameters<typeof LatchkeyError>[0], message = 'refused', details?: ConstructorParameters<typeof LatchkeyError>[2]) {
      take(channel).reject(new LatchkeyError(code, message, details));
      await settle();
    },
    async emit(event: EventName) {
      for (const listener of listeners.get(event) ?? []) listener({});
      await settle();
    },
    async focus() {
      for (const refresh of focus) refresh();
      await settle();
    },
  };
}

/** Lets the store's promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const status = query('vault.status', (client) => client.call('vault.status', {}), { refreshOn: ['vault.locked', 'vault.unlocked'], refreshOnFocus: true, keepWhenLocked: true });
const listing = query('accounts.list', (client) => client.call('accounts.list', {}), { refreshOn: ['accounts.changed'], refreshOnFocus: true });
const details = query('accounts.details', (client, id: string) => client.call('accounts.details', { id }), { refreshOn: ['accounts.changed'], forgetWhenHidden: true });
const settings = query('settings.get', (client) => client.call('settings.get', {}), { refreshOn: ['settings.changed'] });
const copy = mutation((client, id: string) => client.call('accounts.copyCode', { id }));

function follow<A, T>(store: DataStore, def: QueryDef<A, T>, args: A) {
  let renders = 0;
  const stop = store.subscribe(def, args, () => {
    renders++;
  });
  return { stop, renders: () => renders, now: () => store.snapshot(def, args) };
}

describe('queries: read once, shared, keyed by channel and request', () => {
  it('two screens showing the same query share one read; another request is another query', async () => {
    const main = fakeMain();
    const first = follow(main.store, listing, undefined);
    const second = follow(main.store, listing, undefined);
    expect(main.asked()).toEqual(['accounts.list']);
    expect(first.now()).toMatchObject({ loading: true, data: undefined });
    await main.answer('accounts.list', { accounts: ['a'] });
    expect(first.now()).toEqual({ data: { accounts: ['a'] }, error: undefined, loading: false });
    expect(second.now()).toBe(first.now());

    follow(main.store, details, 'one');
    follow(main.store, details, 'two');
    expect(main.requests('accounts.details')).toEqual([{ id: 'one' }, { id: 'two' }]);
  });

  it('a query shown again later is not read again unless something said it changed', async () => {
    const main = fakeMain();
    const shown = follow(main.store, settings, undefined);
    await main.answer('settings.get', { theme: 'dark' });
    shown.stop();
    follow(main.store, settings, undefined);
    expect(main.asked()).toEqual([]);
  });
});

describe('queries are refreshed by main’s events', () => {
  it('accounts.changed reads the account queries shown again, and nothing else', async () => {
    const main = fakeMain();
    const list = follow(main.store, listing, undefined);
    follow(main.store, settings, undefined);
    await main.answer('accounts.list', { accounts: ['a'] });
    await main.answer('settings.get', { theme: 'dark' });

    await main.emit('accounts.changed');
    expect(main.asked()).toEqual(['accounts.list']);
    // While it is read again, the screen keeps the old list (no "loading" flash).
    expect(list.now()).toMatchObject({ data: { accounts: ['a'] }, loading: false });
    await main.answer('accounts.list', { accounts: ['a', 'b'] });
    expect(list.now().data).toEqual({ accounts: ['a', 'b'] });

    await main.emit('settings.changed');
    expect(main.asked()).toEqual(['settings.get']);
  });

  it('a query nobody shows is only marked out of date, and read when shown again', async () => {
    const main = fakeMain();
    const list = follow(main.store, listing, undefined);
    await main.answer('accounts.list', { accounts: ['a'] });
    list.stop();
    await main.emit('accounts.changed');
    expect(main.asked()).toEqual([]);
    follow(main.store, listing, undefined);
    expect(main.asked()).toEqual(['accounts.list']);
  });

  it('a change said while the query is being read is read again once that read lands', async () => {
    const main = fakeMain();
    const list = follow(main.store, listing, undefined);
    await main.emit('accounts.changed');
    expect(main.asked()).toEqual(['accounts.list']);
    await main.answer('accounts.list', { accounts: ['old'] });
    expect(main.asked()).toEqual(['accounts.list']);
    await main.answer('accounts.list', { accounts: ['new'] });
    expect(list.now().data).toEqual({ accounts: ['new'] });
    expect(main.asked()).toEqual([]);
  });

  it('the window regaining focus reads again the queries that ask for it (the fail-safe for a missed event)', async () => {
    const main = fakeMain();
    follow(main.store, listing, undefined);
    follow(main.store, settings, undefined);
    await main.answer('accounts.list', { accounts: [] });
    await main.answer('settings.get', {});
    await main.focus();
    expect(main.asked()).toEqual(['accounts.list']);
  });

  it('a query kept only while shown is forgotten when its last screen closes', async () => {
    const main = fakeMain();
    const note = follow(main.store, details, 'one');
    await main.answer('accounts.details', { note: 'private' });
    note.stop();
    expect(main.store.snapshot(details, 'one').data).toBeUndefined();
  });
});

describe('VAULT_LOCKED is handled in one place', () => {
  it('however many calls are refused with it, the lock is reported once, and what needed the vault is dropped', async () => {
    const main = fakeMain();
    let locks = 0;
    main.store.onLocked(() => {
      locks++;
    });
    const vault = follow(main.store, status, undefined);
    const list = follow(main.store, listing, undefined);
    await main.answer('vault.status', { exists: true, locked: false });
    await main.answer('accounts.list', { accounts: ['a'] });

    // Three calls under way when the vault locks (an idle lock whose event is late).
    main.store.refresh(listing, undefined);
    follow(main.store, settings, undefined);
    const copied = main.store.run(copy, 'a');
    await main.refuse('accounts.list', 'VAULT_LOCKED', 'the vault is locked');
    await main.refuse('settings.get', 'VAULT_LOCKED', 'the vault is locked');
    await main.refuse('accounts.copyCode', 'VAULT_LOCKED', 'the vault is locked');
    expect(await copied).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });

    expect(locks).toBe(1);
    expect(list.now()).toMatchObject({ data: undefined, error: undefined });
    // The status is kept (it is what the lock screen is chosen from), and nothing else is asked while locked.
    expect(vault.now().data).toEqual({ exists: true, locked: false });
    await main.emit('accounts.changed');
    expect(main.asked()).toEqual([]);

    // Main's own event for the same lock is not a second lock.
    await main.emit('vault.locked');
    expect(locks).toBe(1);
    expect(main.asked()).toEqual(['vault.status']);
    await main.answer('vault.status', { exists: true, locked: true });

    // Unlocked again: what is shown is read afresh, and the next lock is reported again.
    await main.emit('vault.unlocked');
    expect(main.asked().sort()).toEqual(['accounts.list', 'settings.get', 'vault.status']);
    await main.answer('accounts.list', { accounts: ['a'] });
    expect(list.now().data).toEqual({ accounts: ['a'] });
    await main.emit('vault.locked');
    expect(locks).toBe(2);
  });

  it('a read begun before the lock that lands after it is dropped: nothing from before the lock comes back', async () => {
    const main = fakeMain();
    const list = follow(main.store, listing, undefined);
    await main.emit('vault.locked');
    await main.answer('accounts.list', { accounts: ['from before the lock'] });
    expect(list.now().data).toBeUndefined();
  });

  it('noteUnlocked (a status read saying unlocked) re-arms the lock without an event', async () => {
    const main = fakeMain();
    let locks = 0;
    main.store.onLocked(() => {
      locks++;
    });
    void main.store.run(copy, 'a');
    await main.refuse('accounts.copyCode', 'VAULT_LOCKED');
    main.store.noteUnlocked();
    void main.store.run(copy, 'a');
    await main.refuse('accounts.copyCode', 'VAULT_LOCKED');
    expect(locks).toBe(2);
  });
});

describe('errors are said one way', () => {
  it('a failed read keeps what was shown, says why in a sentence, and the next good read clears it', async () => {
    const main = fakeMain();
    const list = follow(main.store, listing, undefined);
    await main.answer('accounts.list', { accounts: ['a'] });
    main.store.refresh(listing, undefined);
    await main.refuse('accounts.list', 'IO_ERROR', 'the vault file could not be read');
    expect(list.now()).toMatchObject({ data: { accounts: ['a'] }, loading: false, error: { code: 'IO_ERROR', text: 'The vault file could not be read.' } });
    main.store.refresh(listing, undefined);
    await main.answer('accounts.list', { accounts: ['a', 'b'] });
    expect(list.now().error).toBeUndefined();
  });

  it('a mutation returns a typed result: the value, or the code, the sentence and the field', async () => {
    const main = fakeMain();
    const add = mutation((client, uri: string) => client.call('accounts.add', { uri }));
    const ok = main.store.run(add, 'otpauth://totp/x?secret=A');
    await main.answer('accounts.add', { account: { id: '1' }, warnings: [] });
    expect(await ok).toEqual({ ok: true, value: { account: { id: '1' }, warnings: [] } });

    const bad = main.store.run(add, 'otpauth://totp/x');
    await main.refuse('accounts.add', 'ACCOUNT_INVALID', 'the secret is missing', { field: 'secret' });
    expect(await bad).toEqual({ ok: false, error: { code: 'ACCOUNT_INVALID', text: 'The secret is missing.', field: 'secret', message: 'the secret is missing' } });
  });

  it('a cancel says nothing; an error that is not main’s is still a sentence', async () => {
    const main = fakeMain();
    const cancelled = main.store.run(copy, 'a');
    await main.refuse('accounts.copyCode', 'CANCELLED', 'cancelled');
    expect(await cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED', text: '' } });
    const broken = mutation(() => Promise.reject(new TypeError('x is undefined')));
    expect(await main.store.run(broken, undefined)).toMatchObject({ ok: false, error: { code: undefined, text: 'Something went wrong.' } });
  });
});
