import { describe, expect, it } from 'vitest';
import type { VaultStatus } from '../../../shared/vault-api.js';
import { appReducer, createAppStateStore, INITIAL_STATE, type AppAction, type AppState } from './app-state.js';

const path = '/home/u/.local/share/latchkey/vault.sqlite';
const none = { exists: false, locked: true, path } as VaultStatus;
const locked = { exists: true, locked: true, path } as VaultStatus;
const open = { exists: true, locked: false, path, unlockedBy: 'password' } as VaultStatus;
const byRecovery = { ...open, unlockedBy: 'recovery' } as VaultStatus;

const run = (...actions: AppAction[]): AppState => actions.reduce(appReducer, INITIAL_STATE);
const status = (value: VaultStatus): AppAction => ({ type: 'status', status: value });

describe('the app’s screen state', () => {
  it('the vault’s status picks the screen', () => {
    expect(run().screen).toBe('starting');
    expect(run(status(none)).screen).toBe('first-run');
    expect(run(status(locked)).screen).toBe('unlock');
    expect(run(status(open)).screen).toBe('accounts');
    expect(run(status(open), status(locked)).screen).toBe('unlock');
  });

  it('a status that can’t be read shows why, but only before any status was known', () => {
    expect(run({ type: 'status-failed', reason: 'The vault file is damaged.' })).toMatchObject({ screen: 'unreachable', failure: 'The vault file is damaged.' });
    expect(run(status(open), { type: 'status-failed', reason: 'x' }).screen).toBe('accounts');
    expect(run({ type: 'status-failed', reason: 'x' }, status(locked))).toMatchObject({ screen: 'unlock', failure: '' });
  });

  it('panels open over the accounts only, and a lock closes them with the undo and the notice', () => {
    const shown = run(status(open), { type: 'open', panel: { name: 'details', params: { id: 'a1' } } }, { type: 'notice', text: 'Copied.' }, { type: 'removed', pending: { id: 'a2', name: 'Bank', until: 1 } });
    expect(shown).toMatchObject({ panel: undefined, undo: { id: 'a2' }, notice: 'Copied.' });
    const withPanel = appReducer(shown, { type: 'open', panel: { name: 'settings', params: {} } });
    expect(withPanel.panel).toEqual({ name: 'settings', params: {} });
    expect(appReducer(withPanel, { type: 'locked' })).toMatchObject({ screen: 'unlock', panel: undefined, undo: undefined, notice: '' });
    expect(run(status(locked), { type: 'open', panel: { name: 'add', params: {} } }).panel).toBeUndefined();
  });

  it('an unlock with the recovery key opens its follow-up once; a later status read does not open it again', () => {
    const unlocked = run(status(locked), status(byRecovery));
    expect(unlocked.panel).toEqual({ name: 'recovery', params: {} });
    const closed = appReducer(unlocked, { type: 'close' });
    expect(appReducer(closed, status(byRecovery)).panel).toBeUndefined();
    expect(run(status(locked), status(open)).panel).toBeUndefined();
  });

  it('first run keeps the new recovery key on screen whatever status comes meanwhile, until it is done', () => {
    const showingKey = run(status(none), { type: 'vault-created' }, status(locked));
    expect(showingKey.screen).toBe('first-run');
    const done = appReducer(showingKey, { type: 'first-run-done' });
    expect(appReducer(done, status(open)).screen).toBe('accounts');
  });

  it('a lock found on the first-run or lock screen changes nothing', () => {
    const first = run(status(none));
    expect(appReducer(first, { type: 'locked' })).toBe(first);
  });

  it('the store tells its followers of a change, and only of a change', () => {
    const store = createAppStateStore();
    let told = 0;
    store.subscribe(() => {
      told++;
    });
    store.dispatch(status(locked));
    store.dispatch({ type: 'locked' });
    expect(told).toBe(1);
    expect(store.get().screen).toBe('unlock');
  });
});
