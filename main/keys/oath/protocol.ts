import { LatchkeyError } from '../../../shared/errors.js';
import type { ApduTransmitOptions, ApduTransport } from '../apdu.js';
import { INS, SW } from './constants.js';
import { concatBytes } from './tlv.js';

/**
 * How a key likes its command APDUs when there is no data. yubikit 4 (the YubiKey vectors) always
 * writes Lc, `00` when empty (`00 A1 00 00 00`); the NK3 vectors write none (`00 A1 00 00`). Both
 * keys take both; we send what each key's vectors show.
 */
export type ApduForm = 'lc-always' | 'lc-when-data';

export interface OathCommand {
  readonly ins: number;
  readonly p1?: number;
  readonly p2?: number;
  readonly data?: Uint8Array;
  /** The data (or the answer) holds a secret: traced by length only, and transports are told so. */
  readonly sensitive?: boolean;
}

export interface OathReply {
  /** The answer's data, every SEND REMAINING part joined. */
  readonly data: Uint8Array;
  /** The final status word (9000 or the error); never 61xx. */
  readonly sw: number;
}

/** More than any key can hold: a listing of 64 ids of 64 bytes is ~4.3 kB. Beyond it the key is looping. */
const MAX_CHAINED_BYTES = 64 * 1024;
const SHORT_LC_MAX = 0xff;

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
export const formatSw = (sw: number) => sw.toString(16).padStart(4, '0');

/** The command APDU: `00 INS P1 P2 [Lc data]`, Lc extended (`00 hi lo`) only beyond 255 bytes (no OATH command gets there). */
export function encodeApdu(command: OathCommand, form: ApduForm): Uint8Array {
  const data = command.data ?? new Uint8Array(0);
  const header = [0x00, command.ins, command.p1 ?? 0, command.p2 ?? 0];
  let lc: number[];
  if (data.length === 0) lc = form === 'lc-always' ? [0] : [];
  else if (data.length <= SHORT_LC_MAX) lc = [data.length];
  else lc = [0, data.length >> 8, data.length & 0xff];
  const apdu = new Uint8Array(header.length + lc.length + data.length);
  apdu.set(header);
  apdu.set(lc, header.length);
  apdu.set(data, header.length + lc.length);
  return apdu;
}

/**
 * The APDU layer of an OATH session: encodes commands, continues a long answer with SEND REMAINING
 * (`00 A5 00 00`, never ISO GET RESPONSE: trap 3) while SW1 is 61 whatever SW2 says, and traces
 * each APDU as `> hex` / `< hex`, printing only lengths for sensitive ones.
 */
export class OathProtocol {
  constructor(
    private readonly transport: ApduTransport,
    private readonly form: ApduForm,
    private readonly trace?: (line: string) => void,
  ) {}

  async send(command: OathCommand, options: ApduTransmitOptions = {}): Promise<OathReply> {
    const sensitive = command.sensitive === true;
    let reply = await this.exchange(encodeApdu(command, this.form), { ...options, sensitive }, sensitive);
    const parts = [reply.data];
    let total = reply.data.length;
    while (reply.sw >> 8 === SW.MORE_DATA_SW1) {
      reply = await this.exchange(encodeApdu({ ins: INS.SEND_REMAINING }, this.form), { ...options, sensitive }, sensitive);
      parts.push(reply.data);
      total += reply.data.length;
      if (total > MAX_CHAINED_BYTES) throw new LatchkeyError('KEY_PROTOCOL', `the key kept sending more data (over ${String(MAX_CHAINED_BYTES)} bytes)`);
    }
    return { data: parts.length === 1 ? reply.data : concatBytes(...parts), sw: reply.sw };
  }

  private async exchange(apdu: Uint8Array, options: ApduTransmitOptions, sensitive: boolean): Promise<OathReply> {
    this.traceCommand(apdu, sensitive);
    const response = await this.transport.transmit(apdu, options);
    if (response.length < 2) throw new LatchkeyError('KEY_PROTOCOL', `the key answered ${String(response.length)} bytes, too short for a status word`);
    const end = response.length - 2;
    const reply = { data: response.slice(0, end), sw: ((response[end] ?? 0) << 8) | (response[end + 1] ?? 0) };
    if (this.trace !== undefined) this.trace(sensitive && end > 0 ? `< [${String(end)} bytes redacted] ${formatSw(reply.sw)}` : `< ${hex(response)}`);
    return reply;
  }

  private traceCommand(apdu: Uint8Array, sensitive: boolean): void {
    if (this.trace === undefined) return;
    const headerAndLc = apdu.length > 5 ? ((apdu[4] ?? 0) === 0 ? 7 : 5) : apdu.length;
    this.trace(sensitive && apdu.length > headerAndLc ? `> ${hex(apdu.subarray(0, headerAndLc))} [${String(apdu.length - headerAndLc)} bytes redacted]` : `> ${hex(apdu)}`);
  }
}
