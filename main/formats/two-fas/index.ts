export { twoFasFormat } from './two-fas.js';
