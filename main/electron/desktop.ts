import type { MenuItemConstructorOptions } from 'electron';
import type { Desktop, TrayClick, TrayMenuItem } from '../service/index.js';

/**
 * The `Desktop` interface (main/service/desktop/desktop.ts) over Electron: Tray + Menu, globalShortcut,
 * the quick-search BrowserWindow, setContentProtection, the login item, second-instance. The Electron
 * objects come in through `ElectronDesktopParts`, typed structurally, so desktop.test.ts checks the
 * mapping with fakes; main.ts passes the real ones. Electron's binary can't run in this project's CI:
 * what this file does against the real API is listed in the README's "never ran in Electron".
 */
export interface TrayLike {
  setContextMenu(menu: unknown): void;
  setToolTip(text: string): void;
}

export interface WindowLike {
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  setContentProtection(enabled: boolean): void;
}

export interface ElectronDesktopParts {
  readonly platform: NodeJS.Platform;
  /** `new Tray(icon)`; called on the first menu. */
  readonly createTray: () => TrayLike;
  /** `Menu.buildFromTemplate`. */
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => unknown;
  readonly globalShortcut: { register(accelerator: string, callback: () => void): boolean; unregister(accelerator: string): void };
  /** The main window, if open. */
  readonly mainWindow: () => WindowLike | undefined;
  /** Makes the quick-search window (hidden), loading the page at #quick; called on its first use. */
  readonly createQuickWindow: () => WindowLike;
  readonly app: {
    on(event: 'second-instance', listener: () => void): unknown;
    quit(): void;
    /** macOS: gives the focus back to the app the user was in. */
    hide(): void;
    setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  };
  /** Linux has no login items in Electron: the XDG autostart entry (linux-autostart.ts). */
  readonly setLinuxAutostart: (enabled: boolean, hidden: boolean) => void;
  /** Waits this long after the quick window hides, for the window manager to give the focus back. */
  readonly focusSettleMs?: number;
  readonly wait?: (ms: number) => Promise<void>;
}

/** How long a window manager takes to focus the window under a hidden one (generous for X11 WMs). */
export const FOCUS_SETTLE_MS = 150;

/** One tray line as Electron's menu template has it. */
export function menuTemplate(items: readonly TrayMenuItem[], clicked: (click: TrayClick) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'heading':
        return { label: item.label, enabled: false };
      case 'account':
        return { label: item.label, click: () => { clicked({ kind: 'account', id: item.id }); } };
      case 'action':
        return { label: item.label, click: () => { clicked({ kind: 'action', action: item.action }); } };
    }
  });
}

export function electronDesktop(parts: ElectronDesktopParts): Desktop {
  let tray: TrayLike | undefined;
  let quick: WindowLike | undefined;
  let contentProtected = false;
  const trayListeners: ((click: TrayClick) => void)[] = [];
  const wait = parts.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clicked = (click: TrayClick) => {
    for (const listener of trayListeners) listener(click);
  };
  const quickWindow = (): WindowLike => {
    if (quick === undefined || quick.isDestroyed()) {
      quick = parts.createQuickWindow();
      quick.setContentProtection(contentProtected);
    }
    return quick;
  };
  const windows = (): WindowLike[] => [parts.mainWindow(), quick].filter((window): window is WindowLike => window !== undefined && !window.isDestroyed());
  return {
    platform: parts.platform,
    tray: {
      setMenu(items) {
        if (tray === undefined) {
          tray = parts.createTray();
          tray.setToolTip('Latchkey');
        }
        // Linux's AppIndicator shows a menu only: every change is a new menu set again.
        tray.setContextMenu(parts.buildMenu(menuTemplate(items, clicked)));
      },
      onClick(listener) {
        trayListeners.push(listener);
      },
    },
    shortcuts: {
      register(accelerator, onPress) {
        try {
          // false: the desktop or another app holds it (Electron can't tell which).
          return parts.globalShortcut.register(accelerator, onPress) ? 'registered' : 'taken';
        } catch {
          // Electron throws on an accelerator it can't parse.
          return 'invalid';
        }
      },
      unregister(accelerator) {
        parts.globalShortcut.unregister(accelerator);
      },
    },
    windows: {
      showMain() {
        const main = parts.mainWindow();
        if (main === undefined) return;
        if (main.isMinimized()) main.restore();
        main.show();
        main.focus();
      },
      showQuick() {
        const window = quickWindow();
        window.show();
        window.focus();
      },
      hideQuick() {
        if (quick === undefined || quick.isDestroyed() || !quick.isVisible()) return;
        quick.hide();
        // macOS keeps our app active after a window hides; hiding the app gives the focus back (unless the main window is in use).
        if (parts.platform === 'darwin' && parts.mainWindow()?.isVisible() !== true) parts.app.hide();
      },
      async quickHidden() {
        await wait(parts.focusSettleMs ?? FOCUS_SETTLE_MS);
      },
    },
    contentProtection: {
      honoured: parts.platform === 'darwin' || parts.platform === 'win32',
      set(enabled) {
        contentProtected = enabled;
        for (const window of windows()) window.setContentProtection(enabled);
      },
    },
    loginItem: {
      set(openAtLogin, hidden) {
        if (parts.platform === 'linux') parts.setLinuxAutostart(openAtLogin, hidden);
        else parts.app.setLoginItemSettings({ openAtLogin, ...(hidden ? { args: ['--hidden'] } : {}) });
      },
    },
    onSecondInstance(listener) {
      parts.app.on('second-instance', listener);
    },
    quit() {
      parts.app.quit();
    },
  };
}

/**
 * The tray icon as raw BGRA pixels (nativeImage.createFromBitmap), drawn here so the app ships no
 * image file for it: a filled disc in the accent blue with a keyhole cut out.
 */
export function trayIconBitmap(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - centre;
      const dy = y - centre;
      const inDisc = dx * dx + dy * dy <= (size / 2 - 0.5) ** 2;
      const inHoleHead = dx * dx + (dy + size * 0.1) ** 2 <= (size * 0.13) ** 2;
      const inHoleSlot = Math.abs(dx) <= size * 0.06 && dy >= -size * 0.1 && dy <= size * 0.25;
      if (!inDisc || inHoleHead || inHoleSlot) continue;
      const at = (y * size + x) * 4;
      pixels[at] = 0xde; // B
      pixels[at + 1] = 0x6f; // G
      pixels[at + 2] = 0x2f; // R
      pixels[at + 3] = 0xff; // A
    }
  }
  return pixels;
}
