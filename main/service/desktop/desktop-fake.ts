import type { Desktop, ShortcutOutcome, TrayClick, TrayMenuItem } from './desktop.js';

/**
 * The desktop as tests and e2e see it: every call recorded, the user's clicks and key presses made
 * by the test. Accelerators in `taken` behave as ones the desktop already holds (KDE's Ctrl+Alt+L).
 */
export interface FakeDesktop extends Desktop {
  /** The tray menu last set; undefined until the tray exists. */
  readonly menu: () => readonly TrayMenuItem[] | undefined;
  /** The shortcut currently registered. */
  readonly registered: () => string | undefined;
  readonly quickVisible: () => boolean;
  readonly mainShown: () => number;
  readonly contentProtected: () => boolean;
  readonly loginItem: Desktop['loginItem'] & { readonly state: () => { openAtLogin: boolean; hidden: boolean } };
  readonly quitCalls: () => number;
  /** The user clicks a tray menu line. */
  clickTray(click: TrayClick): void;
  /** The user presses the registered global shortcut. */
  pressShortcut(): void;
  /** A second launch of the app. */
  launchAgain(): void;
}

export interface FakeDesktopOptions {
  readonly platform?: NodeJS.Platform;
  /** Accelerators the desktop already holds. */
  readonly taken?: readonly string[];
}

export function fakeDesktop(options: FakeDesktopOptions = {}): FakeDesktop {
  const platform = options.platform ?? 'linux';
  const taken = new Set(options.taken ?? []);
  let menu: readonly TrayMenuItem[] | undefined;
  const trayListeners: ((click: TrayClick) => void)[] = [];
  const secondInstance: (() => void)[] = [];
  let shortcut: { accelerator: string; onPress: () => void } | undefined;
  let quickVisible = false;
  let mainShown = 0;
  let contentProtected = false;
  let quitCalls = 0;
  const login = { openAtLogin: false, hidden: false };
  return {
    platform,
    tray: {
      setMenu: (items) => {
        menu = [...items];
      },
      onClick: (listener) => {
        trayListeners.push(listener);
      },
    },
    shortcuts: {
      register: (accelerator, onPress): ShortcutOutcome => {
        if (!/^[A-Za-z]+(\+[A-Za-z0-9]+)*$/.test(accelerator)) return 'invalid';
        if (taken.has(accelerator)) return 'taken';
        shortcut = { accelerator, onPress };
        return 'registered';
      },
      unregister: (accelerator) => {
        if (shortcut?.accelerator === accelerator) shortcut = undefined;
      },
    },
    windows: {
      showMain: () => {
        mainShown++;
      },
      showQuick: () => {
        quickVisible = true;
      },
      hideQuick: () => {
        quickVisible = false;
      },
      quickHidden: () => Promise.resolve(),
    },
    contentProtection: {
      honoured: platform === 'darwin' || platform === 'win32',
      set: (enabled) => {
        contentProtected = enabled;
      },
    },
    loginItem: {
      set: (openAtLogin, hidden) => {
        login.openAtLogin = openAtLogin;
        login.hidden = hidden;
      },
      state: () => ({ ...login }),
    },
    onSecondInstance: (listener) => {
      secondInstance.push(listener);
    },
    quit: () => {
      quitCalls++;
    },
    menu: () => menu,
    registered: () => shortcut?.accelerator,
    quickVisible: () => quickVisible,
    mainShown: () => mainShown,
    contentProtected: () => contentProtected,
    quitCalls: () => quitCalls,
    clickTray: (click) => {
      for (const listener of trayListeners) listener(click);
    },
    pressShortcut: () => {
      shortcut?.onPress();
    },
    launchAgain: () => {
      for (const listener of secondInstance) listener();
    },
  };
}
