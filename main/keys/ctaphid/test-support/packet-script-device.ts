import { LatchkeyError } from '../../../../shared/errors.js';
import type { KeyClock } from '../../clock.js';
import type { HidDescriptor, HidDevice } from '../../hid/hid-device.js';

/**
 * One step of a recorded CTAPHID conversation: the host must `write` exactly these bytes, the device
 * `reply`s with this report, stays silent for `idleMs` of the injected clock (a key waiting for a
 * touch), or is pulled out (`unplug`: this and every later call fails).
 */
export type PacketStep = { readonly write: string } | { readonly reply: string } | { readonly unplug: true } | { readonly idleMs: number };

const NK3_DESCRIPTOR: HidDescriptor = {
  vendorId: 0x20a0,
  productId: 0x42b2,
  serialNumber: undefined,
  interfaceNumber: 1,
  usagePage: 0xf1d0,
  usage: 1,
  path: 'packet-script',
  product: 'Scripted CTAPHID device',
  manufacturer: undefined,
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * A HidDevice that replays a packet script and insists the host follows it byte for byte. When the
 * script has nothing to read, `read(ms)` lets `ms` pass on the injected clock and answers null, as a
 * silent key does; so timeouts cost no real time. It models no key: it knows only the script.
 */
export class PacketScriptDevice implements HidDevice {
  readonly descriptor = NK3_DESCRIPTOR;
  readonly written: string[] = [];
  private position = 0;
  private unplugged = false;
  private idled = 0;

  constructor(
    private readonly script: readonly PacketStep[],
    private readonly clock: KeyClock,
  ) {}

  get remaining(): number {
    return this.script.length - this.position;
  }

  async write(report: Uint8Array): Promise<void> {
    await Promise.resolve();
    this.checkPlugged();
    const sent = hex(report);
    // The host may write while the key is silent (a CANCEL during a touch wait): the silence ends.
    if (this.script[this.position] !== undefined && 'idleMs' in (this.script[this.position] ?? {})) {
      this.position++;
      this.idled = 0;
    }
    const step = this.script[this.position];
    if (step === undefined || !('write' in step)) {
      throw new Error(`step ${String(this.position)}: the host wrote ${sent} where the script has ${step === undefined ? 'ended' : JSON.stringify(step)}`);
    }
    if (step.write !== sent) throw new Error(`step ${String(this.position)}: expected write ${step.write}, got ${sent}`);
    this.written.push(sent);
    this.position++;
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    await Promise.resolve();
    this.checkPlugged();
    const step = this.script[this.position];
    if (step !== undefined && 'reply' in step) {
      this.position++;
      return Uint8Array.from(Buffer.from(step.reply, 'hex'));
    }
    if (step !== undefined && 'idleMs' in step) {
      const waited = Math.min(timeoutMs, step.idleMs - this.idled);
      await this.clock.sleep(waited);
      this.idled += waited;
      if (this.idled >= step.idleMs) {
        this.idled = 0;
        this.position++;
      }
      return null;
    }
    await this.clock.sleep(timeoutMs);
    return null;
  }

  sendFeatureReport(): Promise<void> {
    return Promise.reject(new Error('a CTAPHID device has no feature reports'));
  }

  getFeatureReport(): Promise<Uint8Array> {
    return Promise.reject(new Error('a CTAPHID device has no feature reports'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private checkPlugged(): void {
    const step = this.script[this.position];
    if (step !== undefined && 'unplug' in step) this.unplugged = true;
    if (this.unplugged) throw new LatchkeyError('KEY_UNPLUGGED', 'the key was unplugged');
  }
}

/** A 64-byte packet from a short hex head, zero-padded (tests write only the bytes that matter). */
export function packet(headHex: string): string {
  return headHex.padEnd(128, '0');
}
