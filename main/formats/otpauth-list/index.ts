export { otpauthListFormat } from './otpauth-list.js';
