import { LatchkeyError } from '../../../shared/errors.js';
import type { HidDevice } from '../hid/hid-device.js';

export const REPORT_SIZE = 8;

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/**
 * yubikit's OtpConnection: moves 8-byte feature reports and nothing else. It checks their size,
 * tells the `trace` hook each one (`> hex` sent, `< hex` received, for the CLI's --trace), and turns
 * anything a device throws that is not already one of our errors into KEY_PROTOCOL.
 */
export class OtpConnection {
  constructor(
    readonly device: HidDevice,
    private readonly trace?: (line: string) => void,
  ) {}

  async send(report: Uint8Array): Promise<void> {
    if (report.length !== REPORT_SIZE) throw new Error(`an OTP feature report is ${String(REPORT_SIZE)} bytes`);
    this.trace?.(`> ${hex(report)}`);
    await guard(this.device.sendFeatureReport(report));
  }

  async receive(): Promise<Uint8Array> {
    const report = await guard(this.device.getFeatureReport(REPORT_SIZE));
    if (report.length !== REPORT_SIZE) {
      throw new LatchkeyError('KEY_PROTOCOL', `the key answered a feature report of ${String(report.length)} bytes instead of ${String(REPORT_SIZE)}`);
    }
    this.trace?.(`< ${hex(report)}`);
    return report;
  }
}

async function guard<T>(io: Promise<T>): Promise<T> {
  try {
    return await io;
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    throw new LatchkeyError('KEY_PROTOCOL', `the key's HID transport failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
