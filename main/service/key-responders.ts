import type { YubiKeyResponder } from '../vault/index.js';
import type { Devices } from './devices.js';
import type { OtpSessionOptions } from '../keys/yubikey-otp/index.js';
import type { Operation } from './operations.js';
import type { YubiKeyResponderOptions } from './yubikey-responder.js';

/** Where keys come from: ServiceDeps.keys (the CLI's --emulator and --trace, or the devices themselves in tests). */
export interface KeySource {
  readonly devices?: Devices;
  readonly emulators?: readonly string[];
  readonly trace?: (line: string) => void;
  readonly session?: Omit<OtpSessionOptions, 'trace'>;
}

/** Which key and slot a request means (`--key SERIAL`, `--slot`). */
export interface KeyChoice {
  readonly serial?: number;
  readonly slot?: 1 | 2;
}

/**
 * The plugged YubiKeys as the vault's responder, made per request. The devices (node-hid or the
 * emulators) and the driver load only when the vault first asks a key: unlocking a vault with a
 * plain password slot loads none of them. One Devices serves the keys channels and the vault alike,
 * so an emulated key is one key per process.
 */
export class KeyResponders {
  private devicesPromise: Promise<Devices> | undefined;

  constructor(
    private readonly keys: KeySource = {},
    /** Where a touch wait is told when the request names no operation (the CLI's stage line). */
    private readonly untracked?: (stage: string, detail?: { readonly needsTouch?: boolean }) => void,
  ) {}

  devices(): Promise<Devices> {
    this.devicesPromise ??= this.keys.devices !== undefined
      ? Promise.resolve(this.keys.devices)
      : import('./devices.js').then(({ createDevices }) => createDevices(this.keys.emulators === undefined ? {} : { emulators: this.keys.emulators }));
    return this.devicesPromise;
  }

  /** The keys for one request: its cancel, and its touch waits as `op.progress {needsTouch}`. */
  forRequest(operation?: Pick<Operation, 'signal' | 'progress'>, choice: KeyChoice = {}): YubiKeyResponder {
    const untracked = this.untracked;
    const options: YubiKeyResponderOptions = {
      devices: () => this.devices(),
      ...choice,
      session: { ...this.keys.session, ...(this.keys.trace === undefined ? {} : { trace: this.keys.trace }) },
      ...(operation !== undefined
        ? { operation }
        : untracked === undefined
          ? {}
          : { operation: { signal: new AbortController().signal, progress: (stage: string, _fraction?: number, detail?: { readonly needsTouch?: boolean }) => { untracked(stage, detail); } } }),
    };
    return {
      answerers: async function* () {
        const { yubiKeyResponder } = await import('./yubikey-responder.js');
        yield* yubiKeyResponder(options).answerers();
      },
    };
  }
}
