import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../clock.js';
import type { HidDevice } from '../hid/hid-device.js';
import { OtpConnection } from './connection.js';
import {
  COMMAND,
  challengeHmacCommand,
  configCommand,
  firmwareAtLeast,
  formatFirmware,
  overwriteWarning,
  parseStatus,
  updateCommand,
  type FirmwareVersion,
  type OtpOperationOptions,
  type OtpSlot,
  type OtpStatus,
} from './model.js';
import { OtpProtocol, PAYLOAD_SIZE, type OtpTimeouts } from './protocol.js';
import {
  ACCESS_CODE_SIZE,
  CONFIG_SIZE,
  checkAccessCode,
  hmacSha1Configuration,
  hotpConfiguration,
  padChallenge,
  updateConfiguration,
  type HmacSha1SlotOptions,
  type HotpSlotOptions,
  type SlotConfiguration,
  type UpdateSlotOptions,
} from './slot-config.js';

export interface OtpSessionOptions {
  readonly clock?: KeyClock;
  readonly timeouts?: Partial<OtpTimeouts>;
  /** One line per report: `> hex` sent, `< hex` received (the CLI's --trace). */
  readonly trace?: (line: string) => void;
}

export interface SlotWriteOptions extends OtpOperationOptions {
  /** The slot's current access code, when it has one. */
  readonly currentAccessCode?: Uint8Array;
  /**
   * Programming a slot that is already programmed must be asked for: its secret (on slot 1, maybe
   * Yubico's factory credential) cannot be read back or restored. Without this, KEY_CREDENTIAL_EXISTS.
   */
  readonly overwrite?: boolean;
}

const HMAC_RESPONSE_SIZE = 20;
const SERIAL_SIZE = 4;
const serialMin = { major: 2, minor: 2, build: 0 };
const swapMin = { major: 2, minor: 3, build: 0 };

/**
 * yubikit's YubiOtpSession: the OTP application's commands over one HID device. It never owns the
 * device (the caller opens and closes it) and holds no secret after a call returns.
 */
export class YubiOtpSession {
  private constructor(
    private readonly protocol: OtpProtocol,
    private lastStatus: OtpStatus,
  ) {}

  /** Opens a session on an OTP interface: one status read, for the firmware version. */
  static async open(device: HidDevice, options: OtpSessionOptions = {}): Promise<YubiOtpSession> {
    const protocol = new OtpProtocol(new OtpConnection(device, options.trace), {
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
    });
    return new YubiOtpSession(protocol, parseStatus(await protocol.readStatus()));
  }

  get firmware(): FirmwareVersion {
    return this.lastStatus.firmware;
  }

  async status(): Promise<OtpStatus> {
    this.lastStatus = parseStatus(await this.protocol.readStatus());
    return this.lastStatus;
  }

  /** The key's serial number; KEY_UNSUPPORTED when the key has none or hides it. */
  async serial(options: OtpOperationOptions = {}): Promise<number> {
    this.require(serialMin, 'reading the serial number');
    const data = await this.protocol.query(COMMAND.DEVICE_SERIAL, new Uint8Array(0), SERIAL_SIZE, options);
    if (data === null) throw new LatchkeyError('KEY_UNSUPPORTED', 'the key does not show a serial number to host software (it has none, or its slots hide it)');
    return new DataView(data.buffer, data.byteOffset, SERIAL_SIZE).getUint32(0, false);
  }

  async programHotp(slot: OtpSlot, options: HotpSlotOptions, write: SlotWriteOptions = {}): Promise<OtpStatus> {
    return this.putConfiguration(slot, hotpConfiguration(options), write);
  }

  async programChallengeResponse(slot: OtpSlot, options: HmacSha1SlotOptions, write: SlotWriteOptions = {}): Promise<OtpStatus> {
    return this.putConfiguration(slot, hmacSha1Configuration(options), write);
  }

  /** Writes a whole slot configuration; the payload is `config(52) ‖ current access code(6)`. */
  async putConfiguration(slot: OtpSlot, config: SlotConfiguration, write: SlotWriteOptions = {}): Promise<OtpStatus> {
    this.require(config.minFirmware, `a ${config.kind} slot`);
    const payload = slotPayload(config.bytes, write.currentAccessCode);
    const check = (before: Uint8Array) => {
      const warning = overwriteWarning(parseStatus(before), slot);
      if (warning !== null && write.overwrite !== true) {
        throw new LatchkeyError('KEY_CREDENTIAL_EXISTS', `${warning} Nothing was written; overwrite only when asked to.`, {
          slot,
          factoryCredential: slot === 1,
        });
      }
    };
    return this.written(await this.protocol.write(configCommand(slot), payload, { ...write, check }));
  }

  /** Empties a slot: an all-zero configuration, with the current access code when it has one. */
  async deleteSlot(slot: OtpSlot, write: Omit<SlotWriteOptions, 'overwrite'> = {}): Promise<OtpStatus> {
    const payload = slotPayload(new Uint8Array(CONFIG_SIZE), write.currentAccessCode);
    return this.written(await this.protocol.write(configCommand(slot), payload, write));
  }

  /** Changes only the flags SLOT_UPDATE allows and the access code; needs ALLOW_UPDATE on the slot (our defaults set it). */
  async updateSlot(slot: OtpSlot, update: UpdateSlotOptions, write: Omit<SlotWriteOptions, 'overwrite'> = {}): Promise<OtpStatus> {
    const config = updateConfiguration(update);
    this.require(config.minFirmware, 'updating a slot');
    const { major, minor, build } = this.firmware;
    const accessCodeChanges = !sameBytes(checkAccessCode(update.accessCode), checkAccessCode(write.currentAccessCode, 'currentAccessCode'));
    if (accessCodeChanges && major === 4 && minor === 3 && build >= 2 && build <= 5) {
      throw new LatchkeyError('KEY_UNSUPPORTED', 'firmware 4.3.2–4.3.5 cannot change an access code by an update: delete the slot and program it again');
    }
    return this.written(await this.protocol.write(updateCommand(slot), slotPayload(config.bytes, write.currentAccessCode), write));
  }

  /** Swaps slots 1 and 2. The key ignores the payload (yubikit sends zeros, as we do). */
  async swapSlots(options: OtpOperationOptions = {}): Promise<OtpStatus> {
    this.require(swapMin, 'swapping slots');
    return this.written(await this.protocol.write(COMMAND.SWAP, new Uint8Array(CONFIG_SIZE + ACCESS_CODE_SIZE), options));
  }

  /**
   * HMAC-SHA1 challenge-response (at most 64 bytes, padded as yubikit pads). On a slot with
   * HMAC_LT64 (our default) a full 64-byte challenge loses its last byte(s): see `hmacLt64Message`.
   * A touch-triggered slot reports `{ needsTouch: true }` and can be cancelled by `signal`.
   */
  async calculateHmacSha1(slot: OtpSlot, challenge: Uint8Array, options: OtpOperationOptions = {}): Promise<Uint8Array> {
    this.require(serialMin, 'challenge-response');
    const block = padChallenge(challenge);
    const data = await this.protocol.query(challengeHmacCommand(slot), block, HMAC_RESPONSE_SIZE, options);
    if (data === null) {
      throw new LatchkeyError('NOT_FOUND', `slot ${String(slot)} did not answer: it is empty or not programmed for HMAC-SHA1 challenge-response`, { slot });
    }
    return data;
  }

  private written(status: Uint8Array): OtpStatus {
    this.lastStatus = parseStatus(status);
    return this.lastStatus;
  }

  private require(min: FirmwareVersion, what: string): void {
    if (!firmwareAtLeast(this.firmware, min.major, min.minor, min.build)) {
      throw new LatchkeyError('KEY_UNSUPPORTED', `${what} needs firmware ${formatFirmware(min)} or later; this key has ${formatFirmware(this.firmware)}`, {
        minFirmware: formatFirmware(min),
      });
    }
  }
}

function slotPayload(config: Uint8Array, currentAccessCode: Uint8Array | undefined): Uint8Array {
  const payload = new Uint8Array(PAYLOAD_SIZE);
  payload.set(config);
  payload.set(checkAccessCode(currentAccessCode, 'currentAccessCode'), CONFIG_SIZE);
  return payload;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
