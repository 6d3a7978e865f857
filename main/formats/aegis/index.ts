export { aegisFormat } from './aegis.js';
