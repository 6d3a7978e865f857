import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AutoBackupStatus } from '../../../shared/backup-api.js';
import type { Clock } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';
import { createBackup, verifyBackup } from './backup-operations.js';

/** Timers, injected so tests move time by hand. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export const DEBOUNCE_MS = 60_000;
export const DAY_MS = 24 * 60 * 60 * 1000;
const SETTINGS = 'auto-backup-settings';
const LAST = 'auto-backup-last';
const FILE_NAME = /^latchkey-\d{8}T\d{6}Z\.lkbak$/;

/** Kept sealed in the vault (the backup password too: it is only as safe as the vault, by design). */
const settingsSchema = z.object({ folder: z.string(), password: z.string(), keep: z.number().int() });
const lastSchema = z.object({ at: z.number().int(), file: z.string(), verified: z.boolean() });

/**
 * Automatic backups: off until a folder and a backup password are set; then a backup after changes
 * (debounced) and at least daily, each verified right after writing, keeping the newest N.
 * Runs only while the vault is unlocked; locking cancels what is pending.
 */
export class AutoBackup {
  private debounce: unknown;
  private dailyTimer: unknown;
  private pending = false;
  private lastError: string | null = null;

  constructor(
    private readonly host: VaultHost,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly app: string,
    /** False for short-lived processes (the CLI): only changes trigger a backup there. */
    private readonly daily = true,
  ) {
    host.onLock(() => {
      this.cancel();
    });
    host.onUnlock(() => {
      this.scheduleDaily();
    });
  }

  configure(settings: z.infer<typeof settingsSchema>): AutoBackupStatus {
    this.host.session().putRecord(SETTINGS, settings);
    this.scheduleDaily();
    return this.status();
  }

  disable(): AutoBackupStatus {
    this.host.session().putRecord(SETTINGS, null);
    this.cancel();
    return this.status();
  }

  /** Called after every change to the accounts. */
  noteChange(): void {
    if (this.settings() === undefined) return;
    this.pending = true;
    if (this.debounce !== undefined) this.timers.clearTimeout(this.debounce);
    this.debounce = this.timers.setTimeout(() => {
      void this.run();
    }, DEBOUNCE_MS);
  }

  /** Runs a waiting backup now (the CLI does this before it exits). */
  async flush(): Promise<void> {
    if (this.pending) await this.run();
  }

  async run(): Promise<AutoBackupStatus> {
    const settings = this.settings();
    if (this.debounce !== undefined) this.timers.clearTimeout(this.debounce);
    this.debounce = undefined;
    this.pending = false;
    if (settings === undefined) return this.status();
    await this.host.serialized(async () => {
      const session = this.host.session();
      const runtime = await this.host.runtime();
      const now = this.clock.now();
      const file = join(settings.folder, `latchkey-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.lkbak`);
      try {
        await createBackup(session, runtime, file, settings.password, this.app, false);
        const verification = await verifyBackup(session, runtime, file, settings.password, now);
        const verified = verification.onlyInBackup.length === 0 && verification.onlyInVault.length === 0 && verification.differing.length === 0;
        session.putRecord(LAST, { at: Math.floor(now / 1000), file, verified });
        this.prune(settings.folder, settings.keep);
        this.lastError = verified ? null : 'the backup just written does not match the vault';
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    });
    this.scheduleDaily();
    return this.status();
  }

  status(): AutoBackupStatus {
    const settings = this.settings();
    const last = lastSchema.safeParse(this.host.session().getRecord(LAST));
    return {
      enabled: settings !== undefined,
      ...(settings === undefined ? {} : { folder: settings.folder, keep: settings.keep }),
      pending: this.pending,
      last: last.success ? last.data : null,
      lastError: this.lastError,
    };
  }

  private settings(): z.infer<typeof settingsSchema> | undefined {
    try {
      const parsed = settingsSchema.safeParse(this.host.session().getRecord(SETTINGS));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** The next daily backup: a day after the last one (at once if that is past). */
  private scheduleDaily(): void {
    if (this.dailyTimer !== undefined) this.timers.clearTimeout(this.dailyTimer);
    this.dailyTimer = undefined;
    if (!this.daily || this.settings() === undefined) return;
    // Runs inside the unlock: a last-backup record that cannot be read means a backup is due now.
    let stored: unknown;
    try {
      stored = this.host.session().getRecord(LAST);
    } catch {
      stored = undefined;
    }
    const last = lastSchema.safeParse(stored);
    const due = last.success ? last.data.at * 1000 + DAY_MS : this.clock.now();
    this.dailyTimer = this.timers.setTimeout(() => {
      void this.run();
    }, Math.max(0, due - this.clock.now()));
  }

  private cancel(): void {
    for (const handle of [this.debounce, this.dailyTimer]) if (handle !== undefined) this.timers.clearTimeout(handle);
    this.debounce = undefined;
    this.dailyTimer = undefined;
    this.pending = false;
  }

  /** Keeps the newest `keep` of our own backup files in the folder; touches nothing else. */
  private prune(folder: string, keep: number): void {
    const ours = readdirSync(folder).filter((name) => FILE_NAME.test(name)).sort();
    for (const name of ours.slice(0, Math.max(0, ours.length - keep))) rmSync(join(folder, name), { force: true });
  }
}
