export { CtaphidConnection, DEFAULT_CTAPHID_TIMEOUTS, type CallOptions, type CtaphidConnectionOptions, type CtaphidDeviceInfo, type CtaphidTimeouts } from './connection.js';
export { CtaphidApduTransport, SECRETS_APP_COMMAND } from './vendor-apdu.js';
export { CTAPHID_ERROR } from './errors.js';
export { BROADCAST_CID, CTAPHID_CMD, PACKET_SIZE } from './packets.js';
