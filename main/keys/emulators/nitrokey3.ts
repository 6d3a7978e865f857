import { randomBytes } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../clock.js';
import type { HidBackend } from '../hid/hid-device.js';
import { changedTouchPolicy, readStateText, StateFileWatch, writeStateText } from './oath-common/state-file.js';
import { EmulatedNitrokey3, nitrokey3Descriptor, type EmulatedNitrokey3Options, type Nk3Fault } from './nitrokey3/device.js';
import { factoryNk3State, nk3StateFromJson, nk3StateToJson, type Nk3State } from './nitrokey3/state.js';
import type { RandomSource, TouchPolicy } from './yubikey-otp/state.js';

export { EmulatedNitrokey3, NK3_TOUCH_TIMEOUT_MS, nitrokey3Descriptor } from './nitrokey3/device.js';
export type { Nk3Fault } from './nitrokey3/device.js';
export { factoryNk3State, NK3_CREDENTIAL_LIMIT, NK3_PIN_RETRIES, nk3StateFromJson, nk3StateToJson } from './nitrokey3/state.js';
export type { Nk3Credential, Nk3State } from './nitrokey3/state.js';
export { framePackets, PACKET_SIZE } from './nitrokey3/ctaphid.js';

export interface OpenEmulatedNitrokey3Options {
  /** JSON file the key persists to (0600, rewritten atomically on every change); absent = memory only. */
  readonly stateFile?: string;
  readonly initialState?: Nk3State;
  readonly serial?: number;
  /** Overrides the touch policy kept in the state (and is saved with it). */
  readonly touchPolicy?: TouchPolicy;
  readonly clock?: KeyClock;
  readonly random?: RandomSource;
  readonly faults?: readonly Nk3Fault[];
  readonly keepalives?: EmulatedNitrokey3Options['keepalives'];
  /** After every change, once it is saved. */
  readonly onChange?: (state: Nk3State) => void;
}

/**
 * Opens an emulated Nitrokey 3 (its FIDO HID interface). With `stateFile`, separate runs see the same
 * key, and a touch policy someone else writes into the file is obeyed from then on, even during a
 * touch wait in progress: how a test touches a key `npm run emulate -- nitrokey3` is serving.
 */
export function openEmulatedNitrokey3(options: OpenEmulatedNitrokey3Options = {}): EmulatedNitrokey3 {
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const { stateFile } = options;
  const loadedText = stateFile === undefined ? null : readStateText(stateFile);
  const loaded = loadedText === null || stateFile === undefined ? null : nk3StateFromJson(loadedText, stateFile);
  let state = loaded ?? options.initialState ?? factoryNk3State(random, options.serial === undefined ? {} : { serial: options.serial });
  if (options.touchPolicy !== undefined) state = { ...state, touchPolicy: options.touchPolicy };
  if (stateFile !== undefined && (loaded === null || options.touchPolicy !== undefined)) writeStateText(stateFile, nk3StateToJson(state));
  const watch = stateFile === undefined ? null : new StateFileWatch(stateFile);
  const key: EmulatedNitrokey3 = new EmulatedNitrokey3({
    state,
    random,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.keepalives === undefined ? {} : { keepalives: options.keepalives }),
    touchPolicy: () => {
      if (watch !== null && stateFile !== undefined) {
        const changed = changedTouchPolicy(stateFile, watch, (text) => nk3StateFromJson(text, stateFile).touchPolicy);
        if (changed !== null) key.setTouchPolicy(changed);
      }
      return key.touchPolicy;
    },
    onChange: (next) => {
      if (stateFile !== undefined && watch !== null) {
        writeStateText(stateFile, nk3StateToJson(next));
        watch.ownWrite();
      }
      options.onChange?.(next);
    },
  });
  return key;
}

/**
 * The emulated Nitrokey 3 as discovery sees a plugged-in key: `devices()` lists its FIDO interface
 * (until `unplug()`), each `open()` a new connection to the same key (its state carried over, in
 * memory and in `stateFile`). `current` is the last connection, for tests that touch the key or
 * inject faults. For service/devices.ts and tests.
 */
export interface EmulatedNitrokey3Backend extends HidBackend {
  readonly current: EmulatedNitrokey3 | null;
  unplug(): void;
  plugIn(): void;
}

export function createEmulatedNitrokey3Backend(options: OpenEmulatedNitrokey3Options = {}): EmulatedNitrokey3Backend {
  let latest = openEmulatedNitrokey3(options).snapshot();
  let current: EmulatedNitrokey3 | null = null;
  let plugged = true;
  return {
    get current() {
      return current;
    },
    devices: () => Promise.resolve(plugged ? [nitrokey3Descriptor(latest.serial)] : []),
    open: () => {
      if (!plugged) return Promise.reject(new LatchkeyError('KEY_NOT_FOUND', 'The emulated Nitrokey 3 is not plugged in.'));
      // With a state file, the file (kept current on every change) is what the new connection loads.
      const connection = openEmulatedNitrokey3({ ...options, initialState: latest, onChange: (next) => (latest = next) });
      current = connection;
      return Promise.resolve(connection);
    },
    unplug: () => {
      plugged = false;
      current?.unplug();
    },
    plugIn: () => {
      plugged = true;
    },
  };
}
