/** PC/SC keys: the backend interface, its `smartcard` adapter, and the APDU transport over it. */
export type { PcscBackend, PcscCard, PcscDisposition, PcscEvent, PcscReaderInfo, PcscShareMode, PcscWatch } from './pcsc-backend.js';
export { createSmartcardBackend, loadSmartcard, type SmartcardBackendOptions } from './smartcard-adapter.js';
export { PcscApduTransport, withPcscCard, isReaderInUse, type ApduTrace, type WithPcscCardOptions } from './pcsc-transport.js';
export { pcscServiceUnavailable, readerInUse, pcscSupportMissing } from './pcsc-errors.js';
export { isYubiKeyReader } from './yubikey-reader.js';
