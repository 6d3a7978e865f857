export { OathSession, type CalculateOptions, type OathSessionOptions, type PinOperationOptions, type PutOptions } from './session.js';
export { nitrokey3Dialect, yubikeyDialect, type OathDialect, type OathOperation } from './dialects.js';
export {
  formatVersion,
  versionAtLeast,
  type NewOathCredential,
  type OathAlgorithm,
  type OathCalculation,
  type OathCode,
  type OathCredential,
  type OathKeyInfo,
  type OathOperationOptions,
  type OathProgress,
  type OathType,
  type OathVersion,
} from './model.js';
export { formatCredentialId, parseCredentialId, type CredentialName } from './credential-id.js';
/** A credential from stored id bytes and type (e.g. the inventory's record), to calculate without a LIST. */
export { describeCredential as credentialFromId } from './listing.js';
export { DEFAULT_OATH_TIMEOUTS, type OathTimeouts } from './runner.js';
export type { ApduTransmitOptions, ApduTransport, KeepaliveStatus } from '../apdu.js';
