import { LatchkeyError } from '../../../shared/errors.js';
import type { ApduTransmitOptions, ApduTransport } from '../apdu.js';
import type { CtaphidConnection } from './connection.js';

/** The Nitrokey 3 Secrets App's vendor command (sheet §2: 0x70, 0xF0 on the wire). */
export const SECRETS_APP_COMMAND = 0x70;

/**
 * APDUs inside a CTAPHID vendor command, as Trussed apps take them (sheet §3): the request payload
 * is the command APDU as is; the answer payload is `SW1 SW2 ‖ data` — the status word FIRST — which
 * this transport turns into ISO order (`data ‖ SW1 SW2`) so the session never knows the difference.
 */
export class CtaphidApduTransport implements ApduTransport {
  constructor(
    private readonly connection: CtaphidConnection,
    private readonly command: number = SECRETS_APP_COMMAND,
  ) {}

  async transmit(apdu: Uint8Array, options: ApduTransmitOptions = {}): Promise<Uint8Array> {
    const answer = await this.connection.call(this.command, apdu, options);
    if (answer.length < 2) throw new LatchkeyError('KEY_PROTOCOL', `the key answered an APDU with ${String(answer.length)} bytes, too short for a status word`);
    const response = new Uint8Array(answer.length);
    response.set(answer.subarray(2));
    response.set(answer.subarray(0, 2), answer.length - 2);
    return response;
  }
}
