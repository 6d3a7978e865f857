export { CtaphidConnection, DEFAULT_CTAPHID_TIMEOUTS, type CallOptions, type CtaphidConnectionOptions, type CtaphidDeviceInfo, type CtaphidTimeouts } from './connection.js';
export { CtaphidApduTransport, NK3_MAX_MESSAGE_SIZE, SECRETS_APP_COMMAND, openSecretsAppTransport } from './vendor-apdu.js';
export { CTAPHID_ERROR } from './errors.js';
export { BROADCAST_CID, CTAPHID_CMD, PACKET_SIZE } from './packets.js';
