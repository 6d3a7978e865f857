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
 * Some of the addon's calls are synchronous (listing readers, disconnect, status): pcscd may need
 * the card to answer before they return, so a card served on this same event loop (a vpcd emulator
 * in-process) would never answer. Emulated cards for PC/SC run in their own process.
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
  /** SCardStatus: throws (e.g. "Card was removed") when the card behind the handle is gone. */
  getStatus(): unknown;
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
/** How often, and how far apart, a failed exchange checks whether the card is still there (≈ 1 s in all). */
const PRESENCE_CHECKS = 6;
const PRESENCE_CHECK_INTERVAL_MS = 200;
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
  let listing: SmartcardContext | undefined;

  const smartcard = () => {
    loaded ??= loadSmartcard(options.load, platform).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  /**
   * Listing has a context of its own, and each connection another: pcsc-lite serialises the calls
   * of one context, so a card stuck in a long exchange (a touch wait, a dead reader) must not make
   * the next listing, which the addon does synchronously, block the event loop behind it. A listing
   * context that failed is dropped and made again next time: after pcscd restarts (or, on Windows,
   * the last reader goes) the old one stays dead (sheet §1).
   */
  const withListingContext = async <T>(use: (context: SmartcardContext) => T): Promise<T> => {
    const module = await smartcard();
    try {
      listing ??= new module.Context();
      return use(listing);
    } catch (error) {
      const mapped = pcscError(error, { phase: 'list', platform });
      if (mapped.code === 'KEY_SERVICE_UNAVAILABLE' || mapped.code === 'KEY_PROTOCOL') {
        closeQuietly(listing);
        listing = undefined;
      }
      throw mapped;
    }
  };

  const readerInfo = (module: SmartcardModule, reader: SmartcardReader): PcscReaderInfo => {
    const cardPresent = (reader.state & module.SCARD_STATE_PRESENT) !== 0;
    return { name: reader.name, cardPresent, atr: cardPresent && reader.atr !== null ? Uint8Array.from(reader.atr) : undefined };
  };

  const listReaders = async (): Promise<PcscReaderInfo[]> => {
    const module = await smartcard();
    return withListingContext((live) => live.listReaders().map((reader) => readerInfo(module, reader)));
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
      let context: SmartcardContext | undefined;
      let reader: SmartcardReader | undefined;
      try {
        context = new module.Context();
        reader = context.listReaders().find((candidate) => candidate.name === name);
      } catch (error) {
        closeQuietly(context);
        throw pcscError(error, { phase: 'connect', reader: name, platform });
      }
      const refuse = (error: LatchkeyError) => {
        closeQuietly(context);
        return error;
      };
      if (reader === undefined) throw refuse(new LatchkeyError('KEY_NOT_FOUND', `there is no smart card reader "${name}": is the key plugged in, with its CCID interface enabled?`));
      if ((reader.state & module.SCARD_STATE_PRESENT) === 0) throw refuse(new LatchkeyError('KEY_NOT_FOUND', `there is no key in reader "${name}"`));
      const connecting = reader.connect(shareMode(module, share), module.SCARD_PROTOCOL_T0 | module.SCARD_PROTOCOL_T1);
      let card: SmartcardCard;
      try {
        card = await bounded(connecting, ioTimeoutMs, `connecting to reader "${name}"`);
      } catch (error) {
        // A connect that timed out still holds the context inside pcsc-lite: release both once it ends.
        void connecting.then(
          (late) => {
            disconnectQuietly(late, module.SCARD_RESET_CARD);
            closeQuietly(context);
          },
          () => {
            closeQuietly(context);
          },
        );
        throw pcscError(error, { phase: 'connect', reader: name, platform });
      }
      const stillPresent = async () => (await listReaders()).some((present) => present.name === name && present.cardPresent);
      return new SmartcardCardAdapter(module, context, card, name, share, { platform, ioTimeoutMs, transmitTimeoutMs, stillPresent });
    },
  };
}

function closeQuietly(context: SmartcardContext | undefined): void {
  try {
    context?.close();
  } catch {
    // Already dead: nothing left to release.
  }
}

function disconnectQuietly(card: SmartcardCard, disposition: number): void {
  try {
    card.disconnect(disposition);
  } catch {
    // A card already gone has nothing left to release.
  }
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

  /** The native call under way: pcsc-lite would block a disconnect (on the main thread) behind it. */
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly module: SmartcardModule,
    private readonly context: SmartcardContext,
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
      const answer = await bounded(this.native(this.card.transmit(Buffer.from(apdu), { maxRecvLength: MAX_RECV_LENGTH })), timeoutMs, `waiting for the key in reader "${this.reader}"`);
      // vpcd (and some readers) end an exchange with the card pulled out as "success, 0 bytes".
      if (answer.length < 2) throw new PcscShortAnswer(answer.length);
      return Uint8Array.from(answer);
    } catch (error) {
      throw await this.failed(error, 'transmit');
    }
  }

  /**
   * Never waits for the card: with a native call still under way (an exchange that timed out or
   * was cancelled) the release happens when that call ends, so the event loop is never blocked.
   */
  disconnect(disposition: PcscDisposition = 'reset'): Promise<void> {
    if (this.disconnected) return Promise.resolve();
    this.disconnected = true;
    const release = () => {
      disconnectQuietly(this.card, this.disposition(disposition));
      closeQuietly(this.context);
    };
    if (this.inFlight === undefined) release();
    else void this.inFlight.then(release, release);
    return Promise.resolve();
  }

  private native<T>(call: Promise<T>): Promise<T> {
    this.inFlight = call;
    const settled = () => {
      if (this.inFlight === call) this.inFlight = undefined;
    };
    call.then(settled, settled);
    return call;
  }

  /**
   * The handle's own status first (it fails once the card left), then the reader list, asked a few
   * times: pcscd notices a card gone only at its next poll of the reader (vpcd: a few hundred ms).
   */
  private async stillPresent(): Promise<boolean> {
    for (let asked = 0; asked < PRESENCE_CHECKS; asked++) {
      if (asked > 0) await new Promise((resolve) => setTimeout(resolve, PRESENCE_CHECK_INTERVAL_MS));
      try {
        this.card.getStatus();
      } catch {
        return false;
      }
      if (!(await this.options.stillPresent().catch(() => false))) return false;
    }
    return true;
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
    if (mapped.code === 'KEY_PROTOCOL' && !(error instanceof LatchkeyError) && !(await this.stillPresent())) {
      mapped = new LatchkeyError('KEY_UNPLUGGED', `the key in reader "${this.reader}" was removed during the operation`);
    }
    if (mapped.code === 'KEY_UNPLUGGED' || mapped.code === 'KEY_TIMEOUT') {
      this.gone = mapped;
      await this.disconnect('reset');
    }
    return mapped;
  }
}

/** An answer without a status word: KEY_UNPLUGGED when the card has gone, else KEY_PROTOCOL. */
class PcscShortAnswer extends Error {
  constructor(length: number) {
    super(`the card answered ${String(length)} bytes, without a status word`);
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

