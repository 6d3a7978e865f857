export { enteFormat } from './ente.js';
