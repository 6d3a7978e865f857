import { LatchkeyError } from '../../../shared/errors.js';
import type { PcscBackend, PcscCard, PcscDisposition, PcscEvent, PcscReaderInfo, PcscShareMode, PcscWatch } from './pcsc-backend.js';
import { pcscError, pcscSupportMissing, type PcscPhase } from './pcsc-errors.js';

/**
 * The adapter over the npm package `smartcard` (N-API, so one build serves Node and Electron):
 * with the tests' fakes, the only code that touches it (DESIGN.md's dependency rule). It is an
 * optional dependency loaded on first use, so the CLI's start-up never pays for it and a machine
 * where it did not build (no libpcsclite-dev) gets KEY_SERVICE_UNAVAILABLE naming the fix instead
 * of a crash. Every native call that can wait is bounded in time, and every failure is a
 * LatchkeyError (`pcsc-errors.ts`).
 *
 * Deliberately unused: `autoGetResponse` / `transmitWithAutoResponse` (they answer `61xx` with ISO
 * GET RESPONSE, which the OATH applet refuses with 6D00; sheet §14 trap 3) and the addon's
 * `Devices` helper (it connects to every inserted card on its own).
 */

/** The parts of `smartcard` we use, typed here so the build does not need the optional package. */
export interface SmartcardModule {
  readonly Context: new () => SmartcardContext;
  readonly ReaderMonitor: new () => SmartcardMonitor;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  readonly SCARD_UNPOWER_CARD: number;
  readonly SCARD_STATE_PRESENT: number;
}

export interface SmartcardContext {
  listReaders(): SmartcardReader[];
  close(): void;
}

export interface SmartcardReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Buffer | null;
  connect(shareMode: number, protocol: number): Promise<SmartcardCard>;
}

export interface SmartcardCard {
  readonly atr: Buffer | null;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  reconnect(shareMode: number, protocol: number, initialization: number): Promise<number>;
  disconnect(disposition?: number): void;
}

export interface SmartcardMonitorEvent {
  readonly type: 'reader-attached' | 'reader-detached' | 'card-inserted' | 'card-removed' | 'error';
  /** The reader's name; for `error`, the error's text. */
  readonly reader: string;
  readonly state: number;
  readonly atr: Buffer | null;
}

export interface SmartcardMonitor {
  start(callback: (event: SmartcardMonitorEvent) => void): void;
  stop(): void;
}

export interface SmartcardBackendOptions {
  /** How `smartcard` is loaded; tests pass a fake module. */
  readonly load?: () => Promise<unknown>;
  readonly platform?: NodeJS.Platform;
  /** The longest a connect or reconnect may take (pcscd answers in milliseconds). */
  readonly ioTimeoutMs?: number;
  /** The default for one exchange; the OATH session passes ≥ 30 s for touch commands (sheet trap 24). */
  readonly transmitTimeoutMs?: number;
}

const DEFAULT_IO_TIMEOUT_MS = 5000;
const DEFAULT_TRANSMIT_TIMEOUT_MS = 10_000;
/** Extended APDU answers fit; the addon's default (258) holds only one 256-byte part (sheet trap 5). */
const MAX_RECV_LENGTH = 65_538;
/** A variable, so TypeScript does not need the optional package's types to build. */
const SMARTCARD_PACKAGE = 'smartcard';

async function importSmartcard(): Promise<unknown> {
  const module = (await import(SMARTCARD_PACKAGE)) as { default?: unknown };
  return module.default ?? module;
}

/**
 * Loads `smartcard` and checks it is the module we expect. Rejects with KEY_SERVICE_UNAVAILABLE
 * naming libpcsclite-dev and `npm rebuild smartcard` when it is missing or its addon did not build.
 */
export async function loadSmartcard(load: () => Promise<unknown> = importSmartcard, platform: NodeJS.Platform = process.platform): Promise<SmartcardModule> {
  let module: unknown;
  try {
    module = await load();
  } catch (error) {
    throw pcscSupportMissing(error, platform);
  }
  if (!isSmartcardModule(module)) throw pcscSupportMissing(new Error('the package does not export Context, ReaderMonitor and the SCARD constants'), platform);
  return module;
}

function isSmartcardModule(value: unknown): value is SmartcardModule {
  if (typeof value !== 'object' || value === null) return false;
  const module = value as Record<string, unknown>;
  const constants = ['SCARD_SHARE_EXCLUSIVE', 'SCARD_SHARE_SHARED', 'SCARD_PROTOCOL_T0', 'SCARD_PROTOCOL_T1', 'SCARD_LEAVE_CARD', 'SCARD_RESET_CARD', 'SCARD_UNPOWER_CARD', 'SCARD_STATE_PRESENT'];
  return typeof module['Context'] === 'function' && typeof module['ReaderMonitor'] === 'function' && constants.every((name) => typeof module[name] === 'number');
}

export function createSmartcardBackend(options: SmartcardBackendOptions = {}): PcscBackend {
  const platform = options.platform ?? process.platform;
  const ioTimeoutMs = options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS;
  const transmitTimeoutMs = options.transmitTimeoutMs ?? DEFAULT_TRANSMIT_TIMEOUT_MS;
  let loaded: Promise<SmartcardModule> | undefined;
  let context: SmartcardContext | undefined;

  const smartcard = () => {
    loaded ??= loadSmartcard(options.load, platform).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  /** A context that failed is dropped and made again next time: after pcscd restarts (or, on Windows, the last reader goes) the old one stays dead (sheet §1). */
  const withContext = async <T>(phase: PcscPhase, reader: string | undefined, use: (context: SmartcardContext) => T): Promise<T> => {
    const module = await smartcard();
    try {
      context ??= new module.Context();
      return use(context);
    } catch (error) {
      const mapped = pcscError(error, { phase, reader, platform });
      if (mapped.code === 'KEY_SERVICE_UNAVAILABLE' || mapped.code === 'KEY_PROTOCOL') dropContext();
      throw mapped;
    }
  };

  const dropContext = () => {
    try {
      context?.close();
    } catch {
      // Already dead: that is why it is being dropped.
    }
    context = undefined;
  };

  const readerInfo = (module: SmartcardModule, reader: SmartcardReader): PcscReaderInfo => {
    const cardPresent = (reader.state & module.SCARD_STATE_PRESENT) !== 0;
    return { name: reader.name, cardPresent, atr: cardPresent && reader.atr !== null ? Uint8Array.from(reader.atr) : undefined };
  };

  const listReaders = async (): Promise<PcscReaderInfo[]> => {
    const module = await smartcard();
    return withContext('list', undefined, (live) => live.listReaders().map((reader) => readerInfo(module, reader)));
  };

  return {
    listReaders,

    async watch(listener) {
      const module = await smartcard();
      const monitor = new module.ReaderMonitor();
      try {
        monitor.start((event) => {
          for (const mapped of watchEvents(module, event, platform)) listener(mapped);
        });
      } catch (error) {
        throw pcscError(error, { phase: 'watch', platform });
      }
      let stopped = false;
      const watch: PcscWatch = {
        stop() {
          if (!stopped) {
            stopped = true;
            monitor.stop();
          }
          return Promise.resolve();
        },
      };
      return watch;
    },

    async connect(name, share) {
      const module = await smartcard();
      const reader = await withContext('connect', name, (live) => live.listReaders().find((candidate) => candidate.name === name));
      if (reader === undefined) throw new LatchkeyError('KEY_NOT_FOUND', `there is no smart card reader "${name}": is the key plugged in, with its CCID interface enabled?`);
      if ((reader.state & module.SCARD_STATE_PRESENT) === 0) throw new LatchkeyError('KEY_NOT_FOUND', `there is no key in reader "${name}"`);
      let card: SmartcardCard;
      try {
        card = await bounded(reader.connect(shareMode(module, share), module.SCARD_PROTOCOL_T0 | module.SCARD_PROTOCOL_T1), ioTimeoutMs, `connecting to reader "${name}"`);
      } catch (error) {
        throw pcscError(error, { phase: 'connect', reader: name, platform });
      }
      const stillPresent = async () => (await listReaders()).some((present) => present.name === name && present.cardPresent);
      return new SmartcardCardAdapter(module, card, name, share, { platform, ioTimeoutMs, transmitTimeoutMs, stillPresent });
    },
  };
}

function shareMode(module: SmartcardModule, share: PcscShareMode): number {
  return share === 'exclusive' ? module.SCARD_SHARE_EXCLUSIVE : module.SCARD_SHARE_SHARED;
}

/** The monitor's events in our terms; a reader that arrives holding a card also tells the card. */
export function watchEvents(module: SmartcardModule, event: SmartcardMonitorEvent, platform: NodeJS.Platform): PcscEvent[] {
  const atr = event.atr === null || event.atr.length === 0 ? undefined : Uint8Array.from(event.atr);
  switch (event.type) {
    case 'reader-attached':
      return (event.state & module.SCARD_STATE_PRESENT) !== 0
        ? [{ type: 'reader-added', reader: event.reader }, { type: 'card-inserted', reader: event.reader, atr }]
        : [{ type: 'reader-added', reader: event.reader }];
    case 'reader-detached':
      return [{ type: 'reader-removed', reader: event.reader }];
    case 'card-inserted':
      return [{ type: 'card-inserted', reader: event.reader, atr }];
    case 'card-removed':
      return [{ type: 'card-removed', reader: event.reader }];
    case 'error':
      return [{ type: 'error', error: pcscError(new Error(event.reader), { phase: 'watch', platform }) }];
  }
}

interface CardOptions {
  readonly platform: NodeJS.Platform;
  readonly ioTimeoutMs: number;
  readonly transmitTimeoutMs: number;
  readonly stillPresent: () => Promise<boolean>;
}

class SmartcardCardAdapter implements PcscCard {
  readonly atr: Uint8Array;
  private disconnected = false;
  private gone: LatchkeyError | undefined;
  private inTransaction = false;

  constructor(
    private readonly module: SmartcardModule,
    private readonly card: SmartcardCard,
    readonly reader: string,
    readonly share: PcscShareMode,
    private readonly options: CardOptions,
  ) {
    this.atr = card.atr === null ? new Uint8Array(0) : Uint8Array.from(card.atr);
  }

  async transmit(apdu: Uint8Array, timeoutMs = this.options.transmitTimeoutMs): Promise<Uint8Array> {
    this.usable();
    try {
      const answer = await bounded(this.card.transmit(Buffer.from(apdu), { maxRecvLength: MAX_RECV_LENGTH }), timeoutMs, `waiting for the key in reader "${this.reader}"`);
      return Uint8Array.from(answer);
    } catch (error) {
      throw await this.failed(error, 'transmit');
    }
  }

  /**
   * npm `smartcard` 3.7 has no SCardBeginTransaction (sheet §1), so a transaction on a shared
   * connection is a reconnect to EXCLUSIVE without touching the card (LEAVE_CARD keeps the selected
   * applet and its unlock), and its end a reconnect back to SHARED. That is stricter than a PC/SC
   * transaction (others cannot even connect meanwhile) and gives the same guarantee: nothing comes
   * between our APDUs.
   */
  async beginTransaction(): Promise<void> {
    this.usable();
    if (this.share === 'exclusive' || this.inTransaction) return;
    await this.reconnect(this.module.SCARD_SHARE_EXCLUSIVE);
    this.inTransaction = true;
  }

  async endTransaction(): Promise<void> {
    if (this.share === 'exclusive' || !this.inTransaction) return;
    this.inTransaction = false;
    this.usable();
    await this.reconnect(this.module.SCARD_SHARE_SHARED);
  }

  disconnect(disposition: PcscDisposition = 'reset'): Promise<void> {
    if (this.disconnected) return Promise.resolve();
    this.disconnected = true;
    try {
      this.card.disconnect(this.disposition(disposition));
    } catch {
      // A card already gone has nothing left to release.
    }
    return Promise.resolve();
  }

  private async reconnect(share: number): Promise<void> {
    try {
      await bounded(
        this.card.reconnect(share, this.module.SCARD_PROTOCOL_T0 | this.module.SCARD_PROTOCOL_T1, this.module.SCARD_LEAVE_CARD),
        this.options.ioTimeoutMs,
        `locking reader "${this.reader}"`,
      );
    } catch (error) {
      throw await this.failed(error, 'transaction');
    }
  }

  private disposition(disposition: PcscDisposition): number {
    if (disposition === 'leave') return this.module.SCARD_LEAVE_CARD;
    return disposition === 'unpower' ? this.module.SCARD_UNPOWER_CARD : this.module.SCARD_RESET_CARD;
  }

  private usable(): void {
    if (this.gone !== undefined) throw this.gone;
    if (this.disconnected) throw new LatchkeyError('KEY_UNPLUGGED', `the connection to reader "${this.reader}" was closed`);
  }

  /** A card that timed out or went away is released: its native call may still be pending, and no later APDU could trust the applet's state. */
  private async failed(error: unknown, phase: PcscPhase): Promise<LatchkeyError> {
    let mapped = pcscError(error, { phase, reader: this.reader, platform: this.options.platform });
    if (mapped.code === 'KEY_PROTOCOL' && !(error instanceof LatchkeyError) && !(await this.options.stillPresent().catch(() => false))) {
      mapped = new LatchkeyError('KEY_UNPLUGGED', `the key in reader "${this.reader}" was removed during the operation`);
    }
    if (mapped.code === 'KEY_UNPLUGGED' || mapped.code === 'KEY_TIMEOUT') {
      this.gone = mapped;
      await this.disconnect('reset');
    }
    return mapped;
  }
}

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new LatchkeyError('KEY_TIMEOUT', `the system did not finish ${what} within ${String(ms)} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

