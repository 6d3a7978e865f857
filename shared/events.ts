import { z } from 'zod';

/**
 * What main tells the page without being asked (DESIGN.md: the page never polls for state it could be
 * told). Each event carries only what the page may see: no secret, no path. A client parses every
 * event with its schema, as it parses replies.
 */
export const events = {
  /** The vault locked (idle, sleep, screen lock, a request): the page shows the lock screen. */
  'vault.locked': z.object({}),
  'vault.unlocked': z.object({}),
  /**
   * Accounts were added, changed, reordered or removed: by this process (`here`) or by another one on
   * the same vault file, such as the CLI (`elsewhere`).
   */
  'accounts.changed': z.object({ by: z.enum(['here', 'elsewhere']) }),
  'settings.changed': z.object({}),
  /** The desktop preferences changed (desktop.set), or main asks the page to let the user pick the quick-search shortcut. */
  'desktop.changed': z.object({}),
  'desktop.chooseShortcut': z.object({}),
  /** Automatic backups were turned on or off, or one was attempted (it may have failed): ask backup.auto.status. */
  'backup.auto.changed': z.object({}),
  /** A key was plugged in or unplugged, told only while the page watches (keys.watch {on: true}): ask keys.list. */
  'keys.changed': z.object({}),
  /**
   * A long operation the page started with an `opId` of its choosing (a key derivation, an import):
   * what it is doing, how far along when that is known, whether the user must touch a key.
   */
  'op.progress': z.object({
    opId: z.string().max(64),
    stage: z.string().max(200),
    fraction: z.number().min(0).max(1).optional(),
    needsTouch: z.boolean().optional(),
    key: z.string().max(64).optional(),
    accountId: z.string().max(64).optional(),
  }),
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

/** The one IPC channel Electron's main process sends events on (`webContents.send`). */
export const EVENT_CHANNEL = 'latchkey.event';

/** One event as it crosses a door: its name and payload, both checked again on arrival. */
export type EventListener = (name: EventName, payload: unknown) => void;

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}
