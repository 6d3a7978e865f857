export { googleMigrationFormat } from './google-migration.js';
