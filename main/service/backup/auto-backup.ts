import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AutoBackupFailure, AutoBackupStatus, BackupVerification } from '../../../shared/backup-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { RecordValue, VaultRuntime, VaultSession } from '../../vault/index.js';
import { errnoCodeOf, ioErrorOf } from '../fs-words.js';
import type { Clock } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';
import type { BackupSteps } from './backup-file.js';

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
const FILE_NAME = /^latchkey-\d{8}T\d{6}Z\.lkbak$/;

/** Kept sealed in the vault (records.ts): the folder, the backup password and how many to keep. */
type AutoBackupSettings = RecordValue<'auto-backup-settings'>;

/**
 * mkdir -p, one level at a time: Node's own recursive mkdir never returns on some paths (under /proc
 * it retries ENOENT forever), so each missing folder is made alone, parents first, each 0700.
 */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let current = resolve(folder); !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing) mkdirSync(path, { mode: 0o700 });
}

/** Makes the backup folder (0700) if it is missing, and proves a file can be made in it; else IO_ERROR in words. */
export function prepareBackupFolder(folder: string): void {
  try {
    makeFolders(folder);
  } catch (error) {
    const code = errnoCodeOf(error);
    if (code === 'EEXIST') throw new LatchkeyError('IO_ERROR', `cannot use ${folder} for backups: it is a file, not a folder`, { errno: code });
    if (code === 'ENOTDIR') throw new LatchkeyError('IO_ERROR', `cannot create the backup folder ${folder}: a part of its path is a file, not a folder`, { errno: code });
    // mkdir's ENOENT is about the place, not the folder: nothing can be made there.
    if (code === 'ENOENT') throw new LatchkeyError('IO_ERROR', `cannot create the backup folder ${folder}: no folder can be made there`, { errno: code });
    throw ioErrorOf(`cannot create the backup folder ${folder}`, error);
  }
  if (!statSync(folder).isDirectory()) throw new LatchkeyError('IO_ERROR', `cannot use ${folder} for backups: it is a file, not a folder`);
  const probe = join(folder, `.latchkey-probe-${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch (error) {
    throw ioErrorOf(`cannot write in the backup folder ${folder}`, error);
  }
  rmSync(probe, { force: true });
}

/**
 * Automatic backups: off until a folder and a backup password are set; then a backup after changes
 * (debounced) and at least daily, each verified right after writing, keeping the newest N.
 * Runs only while the vault is unlocked; locking cancels what is pending.
 */
export class AutoBackup {
  private debounce: unknown;
  private dailyTimer: unknown;
  private pending = false;
  /** The last failure when it could not be sealed into the vault (a full disk, an untrusted vault). */
  private unsealedFailure: AutoBackupFailure | null = null;
  private readonly changeListeners: (() => void)[] = [];

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

  /**
   * Turns them on: the folder is made (0700) when missing and a file must be creatable in it, else
   * IO_ERROR and nothing changes. A new folder starts a new history: the last backup and the last
   * failure (both about the old folder) are forgotten.
   */
  configure(settings: AutoBackupSettings): AutoBackupStatus {
    prepareBackupFolder(settings.folder);
    this.save(settings);
    this.scheduleDaily();
    this.changed();
    return this.status();
  }

  /**
   * Turns them on from the app: the first backup is written and verified before anything is sealed, so
   * a cancel while its key is derived (`steps.signal`) leaves no settings and no file (one already
   * written is removed). Any other failure turns them on all the same, the failure recorded, as
   * `configure` then a failed `run` would: the status shows why the folder did not take a backup.
   */
  async enable(settings: AutoBackupSettings, steps: BackupSteps): Promise<AutoBackupStatus> {
    prepareBackupFolder(settings.folder);
    return (await this.attempt({ settings, steps })).status;
  }

  /** Seals the settings; a new folder starts a new history (its last backup and failure forgotten). */
  private save(settings: AutoBackupSettings): void {
    const previous = this.settings();
    this.host.session().transaction((tx) => {
      tx.records.put('auto-backup-settings', settings);
      if (previous?.folder !== settings.folder) {
        tx.records.clear('auto-backup-last');
        tx.records.clear('auto-backup-failure');
      }
    });
    if (previous?.folder !== settings.folder) this.unsealedFailure = null;
  }

  disable(): AutoBackupStatus {
    this.host.session().transaction((tx) => {
      tx.records.clear('auto-backup-settings');
    });
    this.cancel();
    this.changed();
    return this.status();
  }

  /** Told after every change of what `status` says: turned on or off, a backup attempted (made or failed). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
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

  /**
   * Runs a waiting backup now (the CLI does this before it exits). A failure is recorded, then thrown:
   * the command whose change asked for the backup must not report success.
   */
  async flush(): Promise<void> {
    if (!this.pending) return;
    const { failure } = await this.attempt();
    if (failure !== undefined) throw new LatchkeyError(failure.code, `the change was saved, but the automatic backup failed: ${failure.message}`, failure.details);
  }

  /** A backup now, when asked for (`backup auto --run`, "Back up now"): a failure is recorded, then thrown. */
  async runRequested(): Promise<AutoBackupStatus> {
    if (this.settings() === undefined) throw new LatchkeyError('USAGE', 'automatic backups are off: turn them on with a folder first');
    const { status, failure } = await this.attempt();
    if (failure !== undefined) throw new LatchkeyError(failure.code, `the backup failed: ${failure.message}`, failure.details);
    return status;
  }

  /** A backup from a timer (after changes, daily): the outcome is only recorded, for the status to show. */
  async run(): Promise<AutoBackupStatus> {
    return (await this.attempt()).status;
  }

  /** One backup, written then verified; `first` is the app's enable, which seals its settings only if not cancelled. */
  private async attempt(first?: { settings: AutoBackupSettings; steps: BackupSteps }): Promise<{ status: AutoBackupStatus; failure?: LatchkeyError }> {
    const settings = first?.settings ?? this.settings();
    if (this.debounce !== undefined) this.timers.clearTimeout(this.debounce);
    this.debounce = undefined;
    this.pending = false;
    if (settings === undefined) return { status: this.status() };
    let failure: LatchkeyError | undefined;
    await this.host.serialized(async () => {
      const session = this.host.session();
      const runtime = await this.host.runtime();
      const now = this.clock.now();
      const file = join(settings.folder, `latchkey-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.lkbak`);
      let written: { verified: boolean; leftOut: readonly string[] } | undefined;
      try {
        written = await writeVerified(session, runtime, file, settings.password, this.app, now, first?.steps);
      } catch (error) {
        if (first?.steps.signal?.aborted === true) throw error;
        failure = ioErrorOf(`cannot write a backup in ${settings.folder}`, error);
      }
      if (first !== undefined) this.save(first.settings);
      try {
        if (written !== undefined) {
          session.transaction((tx) => {
            tx.records.put('auto-backup-last', { at: Math.floor(now / 1000), file, verified: written.verified });
          });
          this.prune(settings.folder, settings.keep);
          if (!written.verified) failure = new LatchkeyError('BACKUP_INTEGRITY', `${file} does not match the vault after writing it`);
          else if (written.leftOut.length > 0) failure = new LatchkeyError('VAULT_INTEGRITY', `${file} ${await leftOutWarningOf(written.leftOut)}; remove them by id (latchkey remove ID)`, { table: 'entries', ids: written.leftOut.join(',') });
        }
      } catch (error) {
        failure = ioErrorOf(`cannot write a backup in ${settings.folder}`, error);
      }
      this.record(now, settings.folder, failure);
    });
    this.scheduleDaily();
    this.changed();
    return { status: this.status(), ...(failure === undefined ? {} : { failure }) };
  }

  /** Seals the outcome (a failure, or none since the last success); in memory only if the vault can't be written. */
  private record(now: number, folder: string, failure: LatchkeyError | undefined): void {
    const entry: AutoBackupFailure | null = failure === undefined ? null : { at: Math.floor(now / 1000), folder, reason: failure.message, code: failure.code };
    this.unsealedFailure = null;
    try {
      this.host.session().transaction((tx) => {
        if (entry === null) tx.records.clear('auto-backup-failure');
        else tx.records.put('auto-backup-failure', entry);
      });
    } catch {
      this.unsealedFailure = entry;
    }
  }

  status(): AutoBackupStatus {
    const settings = this.settings();
    const last = this.host.session().records.get('auto-backup-last') ?? null;
    const lastFailure = this.unsealedFailure ?? this.sealedFailure();
    return {
      enabled: settings !== undefined,
      ...(settings === undefined ? {} : { folder: settings.folder, keep: settings.keep }),
      pending: this.pending,
      last,
      lastFailure,
      lastError: lastFailure?.reason ?? null,
    };
  }

  private sealedFailure(): AutoBackupFailure | null {
    try {
      return this.host.session().records.get('auto-backup-failure') ?? null;
    } catch {
      return null;
    }
  }

  private settings(): AutoBackupSettings | undefined {
    try {
      return this.host.session().records.get('auto-backup-settings');
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
    let last: RecordValue<'auto-backup-last'> | undefined;
    try {
      last = this.host.session().records.get('auto-backup-last');
    } catch {
      last = undefined;
    }
    const due = last === undefined ? this.clock.now() : last.at * 1000 + DAY_MS;
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

/**
 * Writes a backup and verifies it against the vault. Damaged accounts can't be copied: the backup holds
 * the rest, and `leftOut` names them. A cancel (`steps.signal`, the app's first backup) lands only while
 * a key is derived; one during the check's derivation removes the file just written.
 */
async function writeVerified(session: VaultSession, runtime: VaultRuntime, file: string, password: string, app: string, now: number, steps: BackupSteps = {}): Promise<{ verified: boolean; leftOut: readonly string[] }> {
  const leftOut: string[] = [];
  // The backup file's code loads with the first backup: most commands change nothing.
  const { createBackup, verifyBackup } = await import('./backup-operations.js');
  await createBackup(session, runtime, file, password, app, false, { skipDamaged: true, leftOut }, steps);
  let verification: BackupVerification;
  try {
    verification = await verifyBackup(session, runtime, file, password, now, steps);
  } catch (error) {
    if (steps.signal?.aborted === true) rmSync(file, { force: true });
    throw error;
  }
  return { verified: verification.onlyInBackup.length === 0 && verification.onlyInVault.length === 0 && verification.differing.length === 0, leftOut };
}

/** The sentence naming the accounts a backup left out; its module loads only when some were. */
async function leftOutWarningOf(ids: readonly string[]): Promise<string> {
  const { leftOutWarning } = await import('./backup-entries.js');
  return leftOutWarning(ids);
}
