import { describe, expect, it } from 'vitest';
import type { TrayClick } from '../service/index.js';
import { electronDesktop, menuTemplate, trayIconBitmap, type ElectronDesktopParts, type WindowLike } from './desktop.js';

/** A window that records what was done to it. */
function fakeWindow() {
  const calls: string[] = [];
  let visible = false;
  const window: WindowLike & { calls: string[] } = {
    calls,
    show: () => { visible = true; calls.push('show'); },
    hide: () => { visible = false; calls.push('hide'); },
    focus: () => calls.push('focus'),
    restore: () => calls.push('restore'),
    isMinimized: () => true,
    isVisible: () => visible,
    isDestroyed: () => false,
    setContentProtection: (enabled) => calls.push(`protect:${String(enabled)}`),
  };
  return window;
}

function parts(platform: NodeJS.Platform, taken: readonly string[] = []) {
  const main = fakeWindow();
  const quick = fakeWindow();
  const record = { menus: [] as unknown[], registered: [] as string[], loginItems: [] as unknown[], autostart: [] as unknown[], appCalls: [] as string[], secondInstance: [] as (() => void)[], quickMade: 0 };
  const value: ElectronDesktopParts = {
    platform,
    createTray: () => ({ setContextMenu: (menu) => record.menus.push(menu), setToolTip: () => undefined }),
    buildMenu: (template) => template,
    globalShortcut: {
      register: (accelerator) => {
        if (accelerator === 'Bogus+') throw new Error('conversion failure');
        if (taken.includes(accelerator)) return false;
        record.registered.push(accelerator);
        return true;
      },
      unregister: (accelerator) => {
        record.registered = record.registered.filter((held) => held !== accelerator);
      },
    },
    mainWindow: () => main,
    createQuickWindow: () => {
      record.quickMade++;
      return quick;
    },
    app: {
      on: (_event, listener) => record.secondInstance.push(listener),
      quit: () => record.appCalls.push('quit'),
      hide: () => record.appCalls.push('hide'),
      setLoginItemSettings: (settings) => record.loginItems.push(settings),
    },
    setLinuxAutostart: (enabled, hidden) => record.autostart.push({ enabled, hidden }),
    wait: () => Promise.resolve(),
  };
  return { value, main, quick, record };
}

describe('the Electron desktop, over fakes of its Electron parts', () => {
  it('maps tray lines to a menu template whose clicks report the line', () => {
    const clicks: TrayClick[] = [];
    const template = menuTemplate(
      [{ kind: 'heading', label: 'Pinned' }, { kind: 'account', id: 'a'.repeat(32), label: 'GitHub (alice)' }, { kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit' }],
      (click) => clicks.push(click),
    );
    expect(template.map(({ label, type, enabled }) => ({ label, type, enabled }))).toEqual([
      { label: 'Pinned', type: undefined, enabled: false },
      { label: 'GitHub (alice)', type: undefined, enabled: undefined },
      { label: undefined, type: 'separator', enabled: undefined },
      { label: 'Quit', type: undefined, enabled: undefined },
    ]);
    template[1]?.click?.({} as never, undefined, {});
    template[3]?.click?.({} as never, undefined, {});
    expect(clicks).toEqual([{ kind: 'account', id: 'a'.repeat(32) }, { kind: 'action', action: 'quit' }]);
  });

  it('creates the tray once and sets a new menu on every change', () => {
    const { value, record } = parts('linux');
    const desktop = electronDesktop(value);
    desktop.tray.setMenu([{ kind: 'action', action: 'unlock', label: 'Unlock Latchkey…' }]);
    desktop.tray.setMenu([{ kind: 'action', action: 'lock', label: 'Lock' }]);
    expect(record.menus).toHaveLength(2);
  });

  it('tells a taken shortcut (register returns false) from an unparsable one (register throws)', () => {
    const { value, record } = parts('linux', ['Ctrl+Alt+L']);
    const desktop = electronDesktop(value);
    expect(desktop.shortcuts.register('Ctrl+Alt+L', () => undefined)).toBe('taken');
    expect(desktop.shortcuts.register('Bogus+', () => undefined)).toBe('invalid');
    expect(desktop.shortcuts.register('Ctrl+Shift+K', () => undefined)).toBe('registered');
    desktop.shortcuts.unregister('Ctrl+Shift+K');
    expect(record.registered).toEqual([]);
  });

  it('makes the quick window once, protected as the setting says; hiding it on macOS gives the focus back to the previous app', async () => {
    const { value, quick, main, record } = parts('darwin');
    const desktop = electronDesktop(value);
    desktop.contentProtection.set(true);
    desktop.windows.showQuick();
    desktop.windows.showQuick();
    expect(record.quickMade).toBe(1);
    expect(quick.calls.slice(0, 3)).toEqual(['protect:true', 'show', 'focus']);
    desktop.windows.hideQuick();
    await desktop.windows.quickHidden();
    expect(record.appCalls).toEqual(['hide']);
    desktop.contentProtection.set(false);
    expect(main.calls).toEqual(['protect:true', 'protect:false']);
    expect(desktop.contentProtection.honoured).toBe(true);
    desktop.windows.showMain();
    expect(main.calls.slice(2)).toEqual(['restore', 'show', 'focus']);
  });

  it('start at login: login item settings on macOS and Windows, the XDG autostart entry on Linux', () => {
    const mac = parts('darwin');
    electronDesktop(mac.value).loginItem.set(true, true);
    expect(mac.record.loginItems).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
    const linux = parts('linux');
    const desktop = electronDesktop(linux.value);
    desktop.loginItem.set(true, false);
    expect(linux.record.autostart).toEqual([{ enabled: true, hidden: false }]);
    expect(desktop.contentProtection.honoured).toBe(false);
    desktop.onSecondInstance(() => undefined);
    expect(linux.record.secondInstance).toHaveLength(1);
  });

  it('draws a tray icon: opaque blue pixels with a transparent keyhole', () => {
    const bitmap = trayIconBitmap(32);
    expect(bitmap).toHaveLength(32 * 32 * 4);
    const alpha = (x: number, y: number) => bitmap[(y * 32 + x) * 4 + 3];
    expect(alpha(16, 26)).toBe(0xff);
    expect(alpha(16, 14)).toBe(0);
    expect(alpha(0, 0)).toBe(0);
  });
});
