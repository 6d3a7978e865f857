import type { HidDescriptor, HidDevice } from './hid-device.js';

/** One step of a recorded conversation, as the vector files write them: `GET` answers, `SET` expects. */
export type ScriptStep = readonly ['GET' | 'SET', string];

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export const SCRIPTED_DESCRIPTOR: HidDescriptor = {
  vendorId: 0x1050,
  productId: 0x0407,
  serialNumber: undefined,
  interfaceNumber: 0,
  usagePage: 1,
  usage: 6,
  path: 'scripted',
  product: 'Scripted feature-report device',
  manufacturer: undefined,
};

/**
 * A HidDevice that replays a recorded feature-report conversation and insists the host follows it
 * byte for byte: a GET out of turn, or a SET with other bytes, fails with both sides in hex. Used
 * to check a driver against captured conversations (the vectors) and to count its reports. It is
 * not a model of any key: it knows nothing but the script.
 */
export class ScriptedHidDevice implements HidDevice {
  readonly descriptor: HidDescriptor;
  private position = 0;
  readonly log: ScriptStep[] = [];

  constructor(
    private readonly script: readonly ScriptStep[],
    descriptor: HidDescriptor = SCRIPTED_DESCRIPTOR,
  ) {
    this.descriptor = descriptor;
  }

  get remaining(): number {
    return this.script.length - this.position;
  }

  async sendFeatureReport(report: Uint8Array): Promise<void> {
    await Promise.resolve();
    const sent = toHex(report);
    const step = this.next('SET', sent);
    this.log.push(['SET', sent]);
    if (step[1] !== sent) throw new Error(`step ${String(this.position - 1)}: expected SET ${step[1]}, got SET ${sent}`);
  }

  async getFeatureReport(length: number): Promise<Uint8Array> {
    await Promise.resolve();
    const step = this.next('GET', `(${String(length)} bytes)`);
    this.log.push(['GET', step[1]]);
    return Uint8Array.from(Buffer.from(step[1], 'hex'));
  }

  write(): Promise<void> {
    return Promise.reject(new Error('the scripted device has no interrupt reports'));
  }

  read(): Promise<Uint8Array | null> {
    return Promise.reject(new Error('the scripted device has no interrupt reports'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private next(kind: 'GET' | 'SET', what: string): ScriptStep {
    const step = this.script[this.position];
    if (step?.[0] !== kind) {
      throw new Error(`step ${String(this.position)}: the host did ${kind} ${what} where the script has ${step === undefined ? 'ended' : `${step[0]} ${step[1]}`}`);
    }
    this.position++;
    return step;
  }
}
