import { z } from 'zod';
import { accountIdSchema as accountId } from './account.js';

/**
 * The app's place on the desktop: the tray, the global quick-search shortcut, type-the-code, start at
 * login, content protection, hide codes. Kept outside the vault (none of it is secret) because the
 * app needs it before an unlock: at login, for the shortcut, for the first window.
 */

/** An Electron accelerator: modifiers and one key joined by "+" (`CommandOrControl+Shift+K`). */
export const acceleratorSchema = z
  .string()
  .max(64)
  .regex(/^((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F[1-9]|F1[0-9]|F2[0-4]|Space|Tab|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|[`~!@#$%^&*()\-_=+[\]{};:'",.<>/?\\|])$/, {
    error: 'a shortcut is one or more modifiers (Ctrl, Alt, Shift, Super) and one key, such as Ctrl+Shift+K',
  });

export const desktopPreferencesSchema = z.object({
  /** The global shortcut that opens quick search; none until the user picks one (no default: see README). */
  shortcut: acceleratorSchema.nullable(),
  /** Whether the user has been asked for a shortcut yet (on the first use of the tray). */
  shortcutAsked: z.boolean(),
  /** Shift+Enter in quick search types the code into the window that had focus before. */
  typeCode: z.boolean(),
  startAtLogin: z.boolean(),
  /** At login, start in the tray without a window. */
  startHidden: z.boolean(),
  /** Codes shown as dots until the row is hovered or focused (screen sharing). */
  hideCodes: z.boolean(),
  /** Windows kept out of screenshots and screen sharing where the OS honours it (macOS, Windows). */
  contentProtection: z.boolean(),
});
export type DesktopPreferences = z.infer<typeof desktopPreferencesSchema>;

export const DEFAULT_DESKTOP_PREFERENCES: DesktopPreferences = {
  shortcut: null,
  shortcutAsked: false,
  typeCode: false,
  startAtLogin: false,
  startHidden: false,
  hideCodes: false,
  contentProtection: true,
};

/** What this desktop can do, for the settings to say so. */
export const desktopCapabilitiesSchema = z.object({
  /** False where there is no desktop integration (the Chromium fallback). */
  integrated: z.boolean(),
  /** setContentProtection does something here (macOS, Windows); on Linux it does nothing. */
  contentProtectionHonoured: z.boolean(),
  /** Why type-the-code cannot work on this desktop; null when it can. */
  typingUnavailable: z.string().nullable(),
});

const desktopStateSchema = z.object({ preferences: desktopPreferencesSchema, capabilities: desktopCapabilitiesSchema });
export type DesktopState = z.infer<typeof desktopStateSchema>;

export const desktopChannels = {
  'desktop.get': { request: z.object({}), reply: desktopStateSchema },
  /** SHORTCUT_TAKEN when the desktop or another app holds the shortcut (the old one stays). */
  'desktop.set': { request: desktopPreferencesSchema.omit({ shortcutAsked: true }).partial(), reply: desktopStateSchema },
  /** Quick search: copies the account's code, then hides the quick window. */
  'desktop.quick.copy': { request: z.object({ id: accountId }), reply: z.object({ copied: z.boolean() }) },
  /** Quick search, Shift+Enter: hides the quick window, then types the code into the window behind (opt-in). */
  'desktop.quick.type': { request: z.object({ id: accountId }), reply: z.object({}) },
  'desktop.quick.hide': { request: z.object({}), reply: z.object({}) },
  /** The quick window's Unlock: the main window comes up with the lock screen. */
  'desktop.openMain': { request: z.object({}), reply: z.object({}) },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
