import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../shared/client.js';
import type { EventName } from '../../../shared/events.js';
import { KDF_FLOOR } from '../../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../../vault/test-support/test-runtime.js';
import { createService } from '../create-service.js';
import type { CodeTyper, TyperChoice } from './code-typer.js';
import { fakeDesktop, type FakeDesktop } from './desktop-fake.js';

const PASSWORD = 'desktop test password';
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** RFC 6238's SHA1 code at 59 s, 6 digits. */
const CODE_AT_59 = '287082';

interface Setup {
  readonly desktop: FakeDesktop;
  readonly client: ReturnType<typeof createClient>;
  readonly clipboard: { text: string };
  readonly typed: string[];
  readonly events: EventName[];
  readonly vaultPath: string;
  readonly ids: { github: string; bank: string; mail: string };
}

async function setup(options: { taken?: string[]; typing?: TyperChoice | 'record'; vaultPath?: string; platform?: NodeJS.Platform } = {}): Promise<Setup> {
  const desktop = fakeDesktop({ taken: options.taken ?? ['Ctrl+Alt+L'], ...(options.platform === undefined ? {} : { platform: options.platform }) });
  const clipboard = { text: '' };
  const typed: string[] = [];
  const recorder: CodeTyper = {
    backend: 'xdotool',
    type: (code) => {
      typed.push(code);
      return Promise.resolve();
    },
  };
  const typing = options.typing === undefined || options.typing === 'record' ? { available: true as const, typer: recorder } : options.typing;
  const vaultPath = options.vaultPath ?? tempVaultPath();
  const service = createService({
    clock: testClock(59_000),
    vaultPath,
    kdf: KDF_FLOOR,
    deriveKey: memoisedKdf(),
    clipboard: {
      write: (text) => {
        clipboard.text = text;
      },
      read: () => clipboard.text,
    },
    desktop,
    chooseTyper: () => Promise.resolve(typing),
  });
  const events: EventName[] = [];
  service.onEvent((name) => events.push(name));
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  if (options.vaultPath === undefined) await client.call('vault.create', { password: PASSWORD });
  service.desktop.start();
  await client.call('vault.unlock', { password: PASSWORD });
  const add = async (issuer: string, label: string, tags: string[] = [], type: 'totp' | 'hotp' = 'totp') =>
    (await client.call('accounts.add', { account: { type, secretBase32: SECRET, issuer, label }, tags, onDuplicate: 'add' })).account.id;
  const existing = (await client.call('accounts.list', {})).accounts;
  const idOf = async (issuer: string, label: string, tags: string[] = [], type: 'totp' | 'hotp' = 'totp') => existing.find((account) => account.issuer === issuer)?.id ?? (await add(issuer, label, tags, type));
  const ids = { github: await idOf('GitHub', 'alice', ['Pinned']), bank: await idOf('Bank', 'savings', [], 'hotp'), mail: await idOf('Mail', '') };
  return { desktop, client, clipboard, typed, events, vaultPath, ids };
}

const labels = (desktop: FakeDesktop) => (desktop.menu() ?? []).map((item) => (item.kind === 'separator' ? '—' : item.label));

describe('the tray menu', () => {
  it('lists pinned accounts, then the recent ones, then Open, Lock, the shortcut choice and Quit; a click copies through the clipboard guard', async () => {
    const { desktop, clipboard, ids } = await setup();
    await vi.waitFor(() => {
      expect(labels(desktop)).toEqual(['Pinned', 'GitHub (alice)', '—', 'Open Latchkey', 'Lock', 'Choose a quick-search shortcut…', '—', 'Quit']);
    });
    // Labels only: no code is in the menu.
    expect(JSON.stringify(desktop.menu())).not.toContain(CODE_AT_59);
    desktop.clickTray({ kind: 'account', id: ids.mail });
    await vi.waitFor(() => {
      expect(labels(desktop).slice(0, 6)).toEqual(['Pinned', 'GitHub (alice)', '—', 'Recent', 'Mail', '—']);
    });
    expect(clipboard.text).toBe(CODE_AT_59);
  });

  it('locked, offers Unlock and Quit and nothing else; Lock locks, Unlock and Open show the main window, Quit quits', async () => {
    const { desktop, client, ids } = await setup();
    desktop.clickTray({ kind: 'account', id: ids.mail });
    desktop.clickTray({ kind: 'action', action: 'lock' });
    await vi.waitFor(() => {
      expect(labels(desktop)).toEqual(['Unlock Latchkey…', '—', 'Quit']);
    });
    expect((await client.call('vault.status', {})).locked).toBe(true);
    const shown = desktop.mainShown();
    desktop.clickTray({ kind: 'action', action: 'unlock' });
    expect(desktop.mainShown()).toBe(shown + 1);
    desktop.clickTray({ kind: 'action', action: 'quit' });
    expect(desktop.quitCalls()).toBe(1);
    // Unlocked again, the recent list starts empty (the lock forgot it).
    await client.call('vault.unlock', { password: PASSWORD });
    await vi.waitFor(() => {
      expect(labels(desktop)).not.toContain('Unlock Latchkey…');
    });
    expect(labels(desktop)).not.toContain('Recent');
  });

  it('asks for a shortcut on the first use of the tray, once', async () => {
    const { desktop, events } = await setup();
    desktop.clickTray({ kind: 'action', action: 'open' });
    await vi.waitFor(() => {
      expect(events).toContain('desktop.chooseShortcut');
    });
    desktop.clickTray({ kind: 'action', action: 'open' });
    await vi.waitFor(() => {
      expect(desktop.mainShown()).toBe(3);
    });
    expect(events.filter((name) => name === 'desktop.chooseShortcut')).toHaveLength(1);
  });
});

describe('the global shortcut', () => {
  it('has none by default; a taken one is SHORTCUT_TAKEN and changes nothing; a free one opens quick search and is kept', async () => {
    const { desktop, client, vaultPath } = await setup();
    expect((await client.call('desktop.get', {})).preferences.shortcut).toBeNull();
    await expect(client.call('desktop.set', { shortcut: 'Ctrl+Alt+L' })).rejects.toMatchObject({ code: 'SHORTCUT_TAKEN', message: 'Ctrl+Alt+L is already used by the desktop or another app; choose another' });
    expect(desktop.registered()).toBeUndefined();
    await expect(client.call('desktop.set', { shortcut: 'K' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const state = await client.call('desktop.set', { shortcut: 'Ctrl+Shift+K' });
    expect(state.preferences).toMatchObject({ shortcut: 'Ctrl+Shift+K', shortcutAsked: true });
    expect(desktop.registered()).toBe('Ctrl+Shift+K');
    await vi.waitFor(() => {
      expect(labels(desktop)).not.toContain('Choose a quick-search shortcut…');
    });
    desktop.pressShortcut();
    expect(desktop.quickVisible()).toBe(true);
    // A change lets the old one go; the file beside the vault keeps the choice for the next start.
    await client.call('desktop.set', { shortcut: 'Super+Shift+O' });
    expect(desktop.registered()).toBe('Super+Shift+O');
    const file = join(dirname(vaultPath), 'desktop.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ shortcut: 'Super+Shift+O' });
    const again = await setup({ vaultPath });
    expect(again.desktop.registered()).toBe('Super+Shift+O');
  });
});

describe('quick search', () => {
  it('Enter copies and hides; Esc hides', async () => {
    const { desktop, client, clipboard, ids } = await setup();
    desktop.windows.showQuick();
    expect(await client.call('desktop.quick.copy', { id: ids.github })).toEqual({ copied: true });
    expect(clipboard.text).toBe(CODE_AT_59);
    expect(desktop.quickVisible()).toBe(false);
    desktop.windows.showQuick();
    await client.call('desktop.quick.hide', {});
    expect(desktop.quickVisible()).toBe(false);
  });

  it('Shift+Enter types the code once opted in (HOTP: the next code), after the quick window is gone', async () => {
    const { desktop, client, typed, clipboard, ids } = await setup();
    await expect(client.call('desktop.quick.type', { id: ids.github })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'typing codes is off: turn it on in Settings › Desktop' });
    await client.call('desktop.set', { typeCode: true });
    desktop.windows.showQuick();
    await client.call('desktop.quick.type', { id: ids.github });
    await client.call('desktop.quick.type', { id: ids.bank });
    // RFC 4226's first HOTP codes for this secret are 755224, 287082: the counter moved once.
    expect(typed).toEqual([CODE_AT_59, '755224']);
    expect(desktop.quickVisible()).toBe(false);
    expect(clipboard.text).toBe('');
  });

  it('where the desktop allows no typing, says why', async () => {
    const { client, ids } = await setup({ typing: { available: false, reason: 'GNOME on Wayland lets no app type into another window; copy the code instead (Enter)' } });
    expect((await client.call('desktop.get', {})).capabilities.typingUnavailable).toMatch(/^GNOME on Wayland/);
    await client.call('desktop.set', { typeCode: true });
    await expect(client.call('desktop.quick.type', { id: ids.github })).rejects.toMatchObject({ code: 'TYPING_UNAVAILABLE' });
  });

  it('the quick window Unlock brings up the main window', async () => {
    const { desktop, client } = await setup();
    desktop.windows.showQuick();
    await client.call('desktop.openMain', {});
    expect(desktop.quickVisible()).toBe(false);
    expect(desktop.mainShown()).toBe(1);
  });
});

describe('window and login preferences', () => {
  it('content protection is on by default and honoured only on macOS and Windows; login items follow start at login and start hidden', async () => {
    const { desktop, client } = await setup();
    expect(desktop.contentProtected()).toBe(true);
    expect((await client.call('desktop.get', {})).capabilities.contentProtectionHonoured).toBe(false);
    await client.call('desktop.set', { contentProtection: false, startAtLogin: true, startHidden: true, hideCodes: true });
    expect(desktop.contentProtected()).toBe(false);
    expect(desktop.loginItem.state()).toEqual({ openAtLogin: true, hidden: true });
    expect((await client.call('desktop.get', {})).preferences).toMatchObject({ hideCodes: true, startHidden: true });
    const mac = await setup({ platform: 'darwin' });
    expect((await mac.client.call('desktop.get', {})).capabilities.contentProtectionHonoured).toBe(true);
  });

  it('a second launch brings the one window back', async () => {
    const { desktop } = await setup();
    desktop.launchAgain();
    expect(desktop.mainShown()).toBe(1);
  });
});
