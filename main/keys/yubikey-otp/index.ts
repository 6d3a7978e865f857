export { YubiOtpSession, type OtpSessionOptions, type SlotWriteOptions } from './session.js';
export {
  overwriteWarning,
  formatFirmware,
  type FirmwareVersion,
  type OtpOperationOptions,
  type OtpProgress,
  type OtpSlot,
  type OtpSlotState,
  type OtpStatus,
} from './model.js';
export { IMF_MAX, hmacLt64Message, padChallenge, type HmacSha1SlotOptions, type HotpSlotOptions, type UpdateSlotOptions } from './slot-config.js';
export type { OtpTimeouts } from './protocol.js';
