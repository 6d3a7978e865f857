import { LatchkeyError } from '../../../shared/errors.js';
import type { ApduTransmitOptions, ApduTransport } from '../apdu.js';
import { systemKeyClock, type KeyClock } from '../clock.js';
import type { PcscBackend, PcscCard, PcscDisposition, PcscShareMode } from './pcsc-backend.js';

/**
 * The APDU transport (`keys/apdu.ts`) over one PC/SC card connection, and `withPcscCard`, which
 * gives an OATH operation one exclusive use of a key: connect, run, disconnect with a reset.
 *
 * Answers pass through as the card gave them, `61xx` included: SEND REMAINING chaining is the OATH
 * protocol layer's job (apdu.ts explains why), and the adapter's receive buffer holds any length.
 */

/** One line of `--trace`: the direction and the bytes as hex, or only lengths for a sensitive exchange. */
export type ApduTrace = (line: string) => void;

export interface PcscTransportOptions {
  readonly trace?: ApduTrace;
}

export class PcscApduTransport implements ApduTransport {
  constructor(
    private readonly card: PcscCard,
    private readonly options: PcscTransportOptions = {},
  ) {}

  async transmit(apdu: Uint8Array, options: ApduTransmitOptions = {}): Promise<Uint8Array> {
    const { signal } = options;
    if (signal?.aborted === true) throw cancelled();
    this.options.trace?.(`pcsc > ${describe(apdu, options.sensitive === true, 4)}`);
    const exchange = this.card.transmit(apdu, options.timeoutMs);
    const answer = signal === undefined ? await exchange : await this.untilAborted(exchange, signal);
    if (answer.length < 2) throw new LatchkeyError('KEY_PROTOCOL', `the key in reader "${this.card.reader}" answered ${String(answer.length)} bytes, without a status word`);
    this.options.trace?.(`pcsc < ${describe(answer, options.sensitive === true, 0)}`);
    return answer;
  }

  /**
   * PC/SC cannot stop a command the card is working on; on abort the connection is dropped (with
   * a reset, so a half-done operation leaves nothing unlocked) and the caller is answered at once.
   */
  private async untilAborted(exchange: Promise<Uint8Array>, signal: AbortSignal): Promise<Uint8Array> {
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        void this.card.disconnect('reset');
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([exchange, aborted]);
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
      // A transmit that loses the race to an abort must not surface as an unhandled rejection.
      exchange.catch(() => undefined);
    }
  }
}

function cancelled(): LatchkeyError {
  return new LatchkeyError('CANCELLED', 'the key operation was cancelled');
}

/** Hex of the APDU, or for a secret-carrying one its first `header` bytes and the length of the rest (and the SW of an answer). */
function describe(bytes: Uint8Array, sensitive: boolean, header: number): string {
  if (!sensitive) return hex(bytes);
  if (header > 0) return `${hex(bytes.subarray(0, header))} + ${String(Math.max(0, bytes.length - header))} bytes (sensitive)`;
  const sw = bytes.subarray(Math.max(0, bytes.length - 2));
  return `${String(Math.max(0, bytes.length - 2))} bytes (sensitive) + ${hex(sw)}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

export interface WithPcscCardOptions {
  /** Default `exclusive`: the applet's state lives on the card, so one operation holds it alone (sheet §1). */
  readonly share?: PcscShareMode;
  /** Default `reset`: the next program finds the applet locked again (sheet trap 21). */
  readonly disposition?: PcscDisposition;
  /**
   * How long to keep retrying a reader another program holds: ykman and Yubico Authenticator hold a
   * key only for one operation, so a short wait usually wins it (default 1 s; 0 = no retry).
   */
  readonly busyRetryMs?: number;
  readonly clock?: KeyClock;
  readonly trace?: ApduTrace;
}

const BUSY_RETRY_INTERVAL_MS = 100;

/** Runs `work` with one connection to the card in `reader`, and always disconnects after it. */
export async function withPcscCard<T>(backend: PcscBackend, reader: string, work: (transport: PcscApduTransport, card: PcscCard) => Promise<T>, options: WithPcscCardOptions = {}): Promise<T> {
  const card = await connectRetryingWhileBusy(backend, reader, options);
  try {
    return await work(new PcscApduTransport(card, { trace: options.trace }), card);
  } finally {
    await card.disconnect(options.disposition ?? 'reset');
  }
}

async function connectRetryingWhileBusy(backend: PcscBackend, reader: string, options: WithPcscCardOptions): Promise<PcscCard> {
  const clock = options.clock ?? systemKeyClock;
  const deadline = clock.now() + (options.busyRetryMs ?? 1000);
  for (;;) {
    try {
      return await backend.connect(reader, options.share ?? 'exclusive');
    } catch (error) {
      if (!isReaderInUse(error) || clock.now() >= deadline) throw error;
      await clock.sleep(BUSY_RETRY_INTERVAL_MS);
    }
  }
}

export function isReaderInUse(error: unknown): boolean {
  return error instanceof LatchkeyError && error.details?.['reason'] === 'reader-in-use';
}
