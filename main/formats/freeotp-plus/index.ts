export { freeOtpPlusFormat } from './freeotp-plus.js';
