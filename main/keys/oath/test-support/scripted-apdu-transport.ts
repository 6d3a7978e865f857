import type { ApduTransmitOptions, ApduTransport } from '../../apdu.js';
import type { KeyClock } from '../../clock.js';
import { LatchkeyError } from '../../../../shared/errors.js';

/**
 * One exchange of a recorded APDU conversation: the host must send `capdu` exactly; the card answers
 * `rapdu`. `silent` lets the transmit's whole timeout pass on the injected clock first (a key
 * waiting for a touch that never comes) and then answers `rapdu` if given, else KEY_TIMEOUT;
 * `unplug` rejects with KEY_UNPLUGGED, as does every later call.
 */
export interface ApduStep {
  readonly capdu: string;
  readonly rapdu?: string;
  readonly silentMs?: number;
  readonly unplug?: true;
}

/** An ApduTransport that replays a script and insists on it byte for byte. It models no key. */
export class ScriptedApduTransport implements ApduTransport {
  readonly sent: string[] = [];
  readonly options: ApduTransmitOptions[] = [];
  private position = 0;
  private unplugged = false;

  constructor(
    private readonly script: readonly ApduStep[],
    private readonly clock?: KeyClock,
  ) {}

  get remaining(): number {
    return this.script.length - this.position;
  }

  async transmit(apdu: Uint8Array, options: ApduTransmitOptions = {}): Promise<Uint8Array> {
    await Promise.resolve();
    if (this.unplugged) throw new LatchkeyError('KEY_UNPLUGGED', 'the key was unplugged');
    const sent = Buffer.from(apdu).toString('hex');
    const step = this.script[this.position];
    if (step === undefined) throw new Error(`the host sent ${sent} after the script ended`);
    if (step.capdu !== sent) throw new Error(`exchange ${String(this.position)}: expected ${step.capdu}, got ${sent}`);
    this.position++;
    this.sent.push(sent);
    this.options.push(options);
    if (step.unplug === true) {
      this.unplugged = true;
      throw new LatchkeyError('KEY_UNPLUGGED', 'the key was unplugged');
    }
    if (step.silentMs !== undefined) {
      await this.clock?.sleep(Math.min(step.silentMs, options.timeoutMs ?? step.silentMs));
      if (step.rapdu === undefined || (options.timeoutMs !== undefined && step.silentMs > options.timeoutMs)) {
        throw new LatchkeyError('KEY_TIMEOUT', 'no answer in time');
      }
    }
    return Uint8Array.from(Buffer.from(step.rapdu ?? '', 'hex'));
  }
}
