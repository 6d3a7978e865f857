export { bitwardenFormat } from './bitwarden.js';
