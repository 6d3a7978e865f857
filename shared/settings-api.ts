import { z } from 'zod';

/** The app's preferences: sealed in the vault beside the accounts, so they need it unlocked. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const SETTINGS_LIMITS = {
  autoLockMinutesMin: 1,
  autoLockMinutesMax: 60,
  clipboardClearSecondsMin: 5,
  clipboardClearSecondsMax: 10 * 60,
} as const;

export const settingsSchema = z.object({
  /** Lock after this long without input (SECURITY-NOTES §5: 1–60 min); there is no "never". */
  autoLockMinutes: z
    .number()
    .int({ error: 'auto-lock must be a whole number of minutes' })
    .min(SETTINGS_LIMITS.autoLockMinutesMin, { error: 'auto-lock must be from 1 to 60 minutes' })
    .max(SETTINGS_LIMITS.autoLockMinutesMax, { error: 'auto-lock must be from 1 to 60 minutes' }),
  /** A copied code is cleared after this long (or when it expires, if sooner). */
  clipboardClearSeconds: z
    .number()
    .int({ error: 'the clipboard delay must be a whole number of seconds' })
    .min(SETTINGS_LIMITS.clipboardClearSecondsMin, { error: 'the clipboard delay must be from 5 to 600 seconds' })
    .max(SETTINGS_LIMITS.clipboardClearSecondsMax, { error: 'the clipboard delay must be from 5 to 600 seconds' }),
  theme: z.enum(THEMES, { error: 'theme must be system, light or dark' }),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 5, clipboardClearSeconds: 30, theme: 'system' };

export const settingsChannels = {
  'settings.get': { request: z.object({}), reply: settingsSchema },
  'settings.set': { request: settingsSchema.partial(), reply: settingsSchema },
  /**
   * The user did something in the window (a key, a click). Doors without a system idle clock (the
   * Chromium fallback, e2e) measure idleness from these; the renderer sends at most one a few seconds.
   */
  'app.activity': { request: z.object({}), reply: z.object({}) },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;
