export { andOtpFormat } from './andotp.js';
