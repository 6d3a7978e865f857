import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_DESKTOP_PREFERENCES, desktopPreferencesSchema, type DesktopPreferences } from '../../../shared/desktop-api.js';

/**
 * The desktop preferences (shared/desktop-api.ts) in a small JSON file beside the vault. Not sealed:
 * nothing in it is secret, and the app needs it while the vault is still locked (the shortcut, start
 * hidden). A missing or unreadable file, or one bad field, gives the defaults for what it lacks.
 */
export class DesktopPreferencesFile {
  private cached: DesktopPreferences | undefined;

  constructor(private readonly path: string) {}

  current(): DesktopPreferences {
    this.cached ??= readPreferences(this.path);
    return this.cached;
  }

  update(patch: Partial<DesktopPreferences>): DesktopPreferences {
    const next = desktopPreferencesSchema.parse({ ...this.current(), ...definedOnly(patch) });
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written aside and renamed over: a crash mid-write leaves the old file whole.
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.cached = next;
    return next;
  }
}

function readPreferences(path: string): DesktopPreferences {
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { ...DEFAULT_DESKTOP_PREFERENCES };
  }
  const record = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  // Field by field, so a hand edit that spoils one field leaves the others.
  const result: Record<string, unknown> = { ...DEFAULT_DESKTOP_PREFERENCES };
  for (const [field, schema] of Object.entries(desktopPreferencesSchema.shape)) {
    const parsed = schema.safeParse(record[field]);
    if (parsed.success) result[field] = parsed.data;
  }
  return desktopPreferencesSchema.parse(result);
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
