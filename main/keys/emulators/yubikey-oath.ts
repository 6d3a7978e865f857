import { randomBytes } from 'node:crypto';
import type { KeyClock } from '../clock.js';
import { changedTouchPolicy, readStateText, StateFileWatch, writeStateText } from './oath-common/state-file.js';
import { EmulatedYubiKeyOath, type EmulatedYubiKeyOathOptions, type OathCardFault } from './yubikey-oath/card.js';
import { factoryOathCardState, oathCardStateFromJson, oathCardStateToJson, type OathCardState } from './yubikey-oath/state.js';
import type { RandomSource, TouchPolicy } from './yubikey-otp/state.js';

export { EmulatedYubiKeyOath, OATH_TOUCH_TIMEOUT_MS, YUBIKEY5_USB_ATR } from './yubikey-oath/card.js';
export type { OathCardFault } from './yubikey-oath/card.js';
export { capacityOf, factoryOathCardState, oathCardStateFromJson, oathCardStateToJson } from './yubikey-oath/state.js';
export type { OathCardState, OathCredential } from './yubikey-oath/state.js';
export { OATH_AID } from './yubikey-oath/applet.js';
export { MANAGEMENT_AID } from './yubikey-oath/management.js';
export { connectToVpcd, type VpcdConnection } from './yubikey-oath/vpcd.js';

export interface OpenEmulatedYubiKeyOathOptions {
  /** JSON file the card persists to (0600, rewritten atomically on every change); absent = memory only. */
  readonly stateFile?: string;
  /** The state to start from when there is no state file yet (default: a fresh key). */
  readonly initialState?: OathCardState;
  /** Firmware of a fresh key: it decides capacity (32/64) and the feature gates (default 5.4.3). */
  readonly firmware?: readonly [number, number, number];
  readonly serial?: number;
  /** Overrides the touch policy kept in the state (and is saved with it). */
  readonly touchPolicy?: TouchPolicy;
  readonly clock?: KeyClock;
  /** Salts and SELECT challenges; inject one so tests reproduce. */
  readonly random?: RandomSource;
  readonly faults?: readonly OathCardFault[];
  readonly onApdu?: EmulatedYubiKeyOathOptions['onApdu'];
}

/**
 * Opens an emulated YubiKey OATH card. With `stateFile`, separate runs see the same key, and a
 * touch policy written into the file by someone else is obeyed from the next touch wait on (even
 * one in progress): how a test touches a card that `npm run emulate` is serving.
 */
export function openEmulatedYubiKeyOath(options: OpenEmulatedYubiKeyOathOptions = {}): EmulatedYubiKeyOath {
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const { stateFile } = options;
  const loadedText = stateFile === undefined ? null : readStateText(stateFile);
  const loaded = loadedText === null || stateFile === undefined ? null : oathCardStateFromJson(loadedText, stateFile);
  let state =
    loaded ??
    options.initialState ??
    factoryOathCardState(random, {
      ...(options.firmware === undefined ? {} : { firmware: options.firmware }),
      ...(options.serial === undefined ? {} : { serial: options.serial }),
    });
  if (options.touchPolicy !== undefined) state = { ...state, touchPolicy: options.touchPolicy };
  if (stateFile !== undefined && (loaded === null || options.touchPolicy !== undefined)) writeStateText(stateFile, oathCardStateToJson(state));
  const watch = stateFile === undefined ? null : new StateFileWatch(stateFile);
  const card: EmulatedYubiKeyOath = new EmulatedYubiKeyOath({
    state,
    random,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.onApdu === undefined ? {} : { onApdu: options.onApdu }),
    touchPolicy: () => {
      if (watch !== null && stateFile !== undefined) {
        const changed = changedTouchPolicy(stateFile, watch, (text) => oathCardStateFromJson(text, stateFile).touchPolicy);
        if (changed !== null) card.setTouchPolicy(changed);
      }
      return card.touchPolicy;
    },
    onChange: (next) => {
      if (stateFile === undefined || watch === null) return;
      writeStateText(stateFile, oathCardStateToJson(next));
      watch.ownWrite();
    },
  });
  return card;
}
