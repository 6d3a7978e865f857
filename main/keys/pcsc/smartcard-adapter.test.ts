import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { pcscError } from './pcsc-errors.js';
import {
  createSmartcardBackend,
  loadSmartcard,
  watchEvents,
  type SmartcardCard,
  type SmartcardContext,
  type SmartcardModule,
  type SmartcardMonitor,
  type SmartcardMonitorEvent,
  type SmartcardReader,
} from './smartcard-adapter.js';

/** The adapter against a fake `smartcard` module: error mapping, buffers, timeouts and releases. */

const PRESENT = 0x20;
const EXCLUSIVE = 1;
const SHARED = 2;
const RESET = 1;
const READER = 'Yubico YubiKey OTP+FIDO+CCID 00 00';
const ATR = Buffer.from('3bfd1300008131fe158073c021c057597562694b657940', 'hex');

type Reply = Buffer | Error | 'hang' | { settleLater: Promise<Buffer> };

interface FakeState {
  readers: { name: string; state: number; atr: Buffer | null }[];
  /** Thrown by `new Context()` while set (pcscd not running). */
  contextError?: Error;
  connectError?: Error;
  replies: Reply[];
  sent: { apdu: string; maxRecvLength: number | undefined; autoGetResponse: unknown }[];
  connects: { reader: string; share: number }[];
  disconnects: number[];
  contextsOpen: number;
  monitorEvents: SmartcardMonitorEvent[];
  monitorStopped: boolean;
}

function fakeSmartcard(overrides: Partial<FakeState> = {}): { module: SmartcardModule; state: FakeState } {
  const state: FakeState = {
    readers: [{ name: READER, state: PRESENT, atr: ATR }],
    replies: [],
    sent: [],
    connects: [],
    disconnects: [],
    contextsOpen: 0,
    monitorEvents: [],
    monitorStopped: false,
    ...overrides,
  };
  const card: SmartcardCard = {
    atr: ATR,
    transmit(command, options) {
      state.sent.push({ apdu: command.toString('hex'), maxRecvLength: options?.maxRecvLength, autoGetResponse: (options as Record<string, unknown> | undefined)?.['autoGetResponse'] });
      const reply = state.replies.shift() ?? Buffer.from('9000', 'hex');
      if (reply === 'hang') return new Promise<Buffer>(() => undefined);
      if (reply instanceof Error) return Promise.reject(reply);
      if (Buffer.isBuffer(reply)) return Promise.resolve(reply);
      return reply.settleLater;
    },
    getStatus() {
      if (!state.readers.some((reader) => reader.name === READER && (reader.state & PRESENT) !== 0)) throw new Error('Card was removed');
      return { state: PRESENT };
    },
    disconnect(disposition) {
      state.disconnects.push(disposition ?? -1);
    },
  };
  class Context implements SmartcardContext {
    constructor() {
      if (state.contextError !== undefined) throw state.contextError;
      state.contextsOpen++;
    }
    listReaders(): SmartcardReader[] {
      return state.readers.map((reader) => ({
        ...reader,
        connect: (share: number) => {
          state.connects.push({ reader: reader.name, share });
          return state.connectError === undefined ? Promise.resolve(card) : Promise.reject(state.connectError);
        },
      }));
    }
    close() {
      state.contextsOpen--;
    }
  }
  class ReaderMonitor implements SmartcardMonitor {
    start(callback: (event: SmartcardMonitorEvent) => void) {
      if (state.contextError !== undefined) throw state.contextError;
      for (const event of state.monitorEvents) callback(event);
    }
    stop() {
      state.monitorStopped = true;
    }
  }
  const module: SmartcardModule = {
    Context,
    ReaderMonitor,
    SCARD_SHARE_EXCLUSIVE: EXCLUSIVE,
    SCARD_SHARE_SHARED: SHARED,
    SCARD_PROTOCOL_T0: 1,
    SCARD_PROTOCOL_T1: 2,
    SCARD_LEAVE_CARD: 0,
    SCARD_RESET_CARD: RESET,
    SCARD_UNPOWER_CARD: 2,
    SCARD_STATE_PRESENT: PRESENT,
  };
  return { module, state };
}

function backendOver(module: SmartcardModule, options: { transmitTimeoutMs?: number } = {}) {
  return createSmartcardBackend({ load: () => Promise.resolve(module), platform: 'linux', ...options });
}

async function failureOf(work: Promise<unknown>): Promise<LatchkeyError> {
  const error = await work.then(
    () => {
      throw new Error('expected a failure');
    },
    (caught: unknown) => caught,
  );
  if (!(error instanceof LatchkeyError)) throw error;
  return error;
}

describe('loading smartcard', () => {
  it('a missing or broken addon is KEY_SERVICE_UNAVAILABLE naming libpcsclite-dev and npm rebuild smartcard, and is retried on the next call', async () => {
    let attempts = 0;
    const { module } = fakeSmartcard();
    const backend = createSmartcardBackend({
      platform: 'linux',
      load: () => {
        attempts++;
        return attempts === 1 ? Promise.reject(new Error("Cannot find module 'smartcard'")) : Promise.resolve(module);
      },
    });
    const error = await failureOf(backend.listReaders());
    expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect(error.details).toEqual({ reason: 'pcsc-addon-missing', package: 'smartcard' });
    expect(error.message).toContain('sudo apt install libpcsclite-dev');
    expect(error.message).toContain('npm rebuild smartcard');
    expect(error.message).toContain("Cannot find module 'smartcard'");
    expect(await backend.listReaders()).toHaveLength(1);
  });

  it('a module without the expected exports is refused the same way; macOS and Windows are told only to rebuild', async () => {
    const error = await failureOf(loadSmartcard(() => Promise.resolve({ Context: 1 }), 'darwin'));
    expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect(error.message).toContain('npm rebuild smartcard');
    expect(error.message).not.toContain('libpcsclite');
  });
});

describe('errors a user can act on', () => {
  it('pcscd not running, by message or SCARD code, names pcscd and how to start it', () => {
    for (const cause of [new Error('PC/SC service not running'), new Error('PC/SC service stopped'), Object.assign(new Error('x'), { code: 0x8010001d })]) {
      const error = pcscError(cause, { phase: 'list', platform: 'linux' });
      expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
      expect(error.message).toContain('pcscd is not running');
      expect(error.message).toContain('sudo systemctl start pcscd.socket');
    }
    expect(pcscError(new Error('PC/SC service not running'), { phase: 'list', platform: 'win32' }).message).toContain('SCardSvr');
  });

  it('a sharing violation names the reader and scdaemon, with the fixes, and kills nothing', () => {
    const error = pcscError(new Error('Sharing violation'), { phase: 'connect', reader: READER, platform: 'linux' });
    expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect(error.details).toEqual({ reason: 'reader-in-use', reader: READER });
    expect(error.message).toContain(READER);
    expect(error.message).toContain("GnuPG's scdaemon");
    expect(error.message).toContain('gpgconf --kill scdaemon');
    expect(error.message).toContain('disable-ccid');
  });

  it('no card or reader at connect is KEY_NOT_FOUND; the card or reader going during an exchange is KEY_UNPLUGGED', () => {
    expect(pcscError(new Error('No smart card present'), { phase: 'connect', reader: READER }).code).toBe('KEY_NOT_FOUND');
    expect(pcscError(new Error('Unknown reader'), { phase: 'connect', reader: READER }).code).toBe('KEY_NOT_FOUND');
    expect(pcscError(new Error('Card was removed'), { phase: 'transmit', reader: READER }).code).toBe('KEY_UNPLUGGED');
    expect(pcscError(new Error('Reader unavailable'), { phase: 'transmit', reader: READER }).code).toBe('KEY_UNPLUGGED');
    expect(pcscError(new Error('Communication error'), { phase: 'transmit', reader: READER }).code).toBe('KEY_UNPLUGGED');
    expect(pcscError(new Error('Operation timed out'), { phase: 'transmit', reader: READER }).code).toBe('KEY_TIMEOUT');
    expect(pcscError(new Error('Card was reset'), { phase: 'transmit', reader: READER }).code).toBe('KEY_PROTOCOL');
    expect(pcscError(new Error('Something new'), { phase: 'transmit', reader: READER })).toMatchObject({ code: 'KEY_PROTOCOL', message: expect.stringContaining('Something new') as unknown });
  });
});

describe('the backend over the addon', () => {
  it('lists readers with card presence and ATR', async () => {
    const { module, state } = fakeSmartcard();
    state.readers.push({ name: 'Other Reader 00 00', state: 0x10, atr: null });
    expect(await backendOver(module).listReaders()).toEqual([
      { name: READER, cardPresent: true, atr: Uint8Array.from(ATR) },
      { name: 'Other Reader 00 00', cardPresent: false, atr: undefined },
    ]);
  });

  it('pcscd stopped, then started: the dead listing context is dropped and made again', async () => {
    const { module, state } = fakeSmartcard({ contextError: new Error('PC/SC service not running') });
    const backend = backendOver(module);
    expect((await failureOf(backend.listReaders())).code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect((await failureOf(backend.watch(() => undefined))).code).toBe('KEY_SERVICE_UNAVAILABLE');
    delete state.contextError;
    expect(await backend.listReaders()).toHaveLength(1);
  });

  it('connects with the asked share mode; a missing reader or card is KEY_NOT_FOUND; a held reader the in-use error', async () => {
    const { module, state } = fakeSmartcard();
    const backend = backendOver(module);
    await (await backend.connect(READER, 'exclusive')).disconnect();
    await (await backend.connect(READER, 'shared')).disconnect();
    expect(state.connects.map((connect) => connect.share)).toEqual([EXCLUSIVE, SHARED]);
    expect((await failureOf(backend.connect('Nope 00 00', 'exclusive'))).code).toBe('KEY_NOT_FOUND');
    state.connectError = new Error('Sharing violation');
    expect((await failureOf(backend.connect(READER, 'exclusive'))).details).toEqual({ reason: 'reader-in-use', reader: READER });
    state.readers[0] = { name: READER, state: 0x10, atr: null };
    expect((await failureOf(backend.connect(READER, 'exclusive'))).message).toBe(`there is no key in reader "${READER}"`);
    expect(state.contextsOpen).toBe(0); // every connection's own context was closed, refused or not
  });

  it('transmits as given with a receive buffer for any answer, never auto GET RESPONSE, and returns 61xx as it is', async () => {
    const { module, state } = fakeSmartcard({ replies: [Buffer.from([...new Uint8Array(256).fill(1), 0x61, 0x2c])] });
    const card = await backendOver(module).connect(READER, 'exclusive');
    const answer = await card.transmit(Uint8Array.from([0x00, 0xa1, 0x00, 0x00]));
    expect(answer.length).toBe(258);
    expect(answer.subarray(256)).toEqual(Uint8Array.from([0x61, 0x2c]));
    expect(state.sent).toEqual([{ apdu: '00a10000', maxRecvLength: 65_538, autoGetResponse: undefined }]);
    await card.disconnect();
    expect(state.disconnects).toEqual([RESET]);
  });

  it('a card pulled mid-exchange is KEY_UNPLUGGED, and the connection is dead afterwards', async () => {
    const { module, state } = fakeSmartcard({ replies: [new Error('Card was removed')] });
    const card = await backendOver(module).connect(READER, 'exclusive');
    expect((await failureOf(card.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00])))).code).toBe('KEY_UNPLUGGED');
    expect((await failureOf(card.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00])))).code).toBe('KEY_UNPLUGGED');
    expect(state.sent).toHaveLength(1);
  });

  it('an empty answer (vpcd\'s way of saying the card left) is KEY_UNPLUGGED when the card is gone, KEY_PROTOCOL when it is still there', async () => {
    const { module, state } = fakeSmartcard({ replies: [Buffer.alloc(0), Buffer.alloc(0)] });
    const backend = backendOver(module);
    const present = await backend.connect(READER, 'exclusive');
    expect((await failureOf(present.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00])))).code).toBe('KEY_PROTOCOL');
    const gone = await backend.connect(READER, 'exclusive');
    state.readers[0] = { name: READER, state: 0x10, atr: null };
    expect((await failureOf(gone.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00])))).code).toBe('KEY_UNPLUGGED');
  });

  it('no answer in time is KEY_TIMEOUT; the release waits for the native call to end, so nothing blocks on it', async () => {
    let finishNativeCall: (answer: Buffer) => void = () => undefined;
    const settleLater = new Promise<Buffer>((resolve) => {
      finishNativeCall = resolve;
    });
    const { module, state } = fakeSmartcard({ replies: [{ settleLater }] });
    const card = await backendOver(module, { transmitTimeoutMs: 20 }).connect(READER, 'exclusive');
    expect((await failureOf(card.transmit(Uint8Array.from([0x00, 0xa2, 0x00, 0x01]))))).toMatchObject({ code: 'KEY_TIMEOUT' });
    expect(state.disconnects).toEqual([]);
    finishNativeCall(Buffer.from('9000', 'hex'));
    await settleLater;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.disconnects).toEqual([RESET]);
  });

  it('watching tells readers and cards in our terms, a reader that arrives with a card as both, and stops the monitor', async () => {
    const { module, state } = fakeSmartcard({
      monitorEvents: [
        { type: 'reader-attached', reader: READER, state: PRESENT, atr: ATR },
        { type: 'card-removed', reader: READER, state: 0x10, atr: null },
        { type: 'reader-detached', reader: READER, state: 0, atr: null },
      ],
    });
    const events: unknown[] = [];
    const watch = await backendOver(module).watch((event) => events.push(event));
    await watch.stop();
    expect(events).toEqual([
      { type: 'reader-added', reader: READER },
      { type: 'card-inserted', reader: READER, atr: Uint8Array.from(ATR) },
      { type: 'card-removed', reader: READER },
      { type: 'reader-removed', reader: READER },
    ]);
    expect(state.monitorStopped).toBe(true);
    const [error] = watchEvents(module, { type: 'error', reader: 'PC/SC service stopped', state: 0, atr: null }, 'linux');
    expect(error).toMatchObject({ type: 'error', error: { code: 'KEY_SERVICE_UNAVAILABLE' } });
  });
});
