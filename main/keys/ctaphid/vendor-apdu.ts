import { LatchkeyError } from '../../../shared/errors.js';
import type { ApduTransmitOptions, ApduTransport } from '../apdu.js';
import type { HidDevice } from '../hid/hid-device.js';
import { CtaphidConnection, type CtaphidConnectionOptions } from './connection.js';

/** The Nitrokey 3 Secrets App's vendor command (sheet §2: 0x70, 0xF0 on the wire). */
export const SECRETS_APP_COMMAND = 0x70;
/** The NK3's CTAPHID message buffer (`CTAPHID_MESSAGE_SIZE`): longer messages are refused with ERROR 03. */
export const NK3_MAX_MESSAGE_SIZE = 3072;

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

/**
 * The NK3 Secrets App as an ApduTransport on an open FIDO HID interface: INIT for a channel, then
 * APDUs in vendor command 0x70. The caller still owns (and closes) the device.
 */
export async function openSecretsAppTransport(device: HidDevice, options: CtaphidConnectionOptions = {}): Promise<CtaphidApduTransport> {
  const connection = await CtaphidConnection.open(device, { maxMessageSize: NK3_MAX_MESSAGE_SIZE, ...options });
  return new CtaphidApduTransport(connection);
}
