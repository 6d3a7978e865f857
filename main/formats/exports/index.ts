export { exportAegis } from './aegis-export.js';
export type { ExportAccount, ExportFile, ExportResult } from './export-types.js';
export { exportGoogleQr } from './google-qr-export.js';
export { exportHtmlSheet } from './html-sheet-export.js';
export { exportOtpauthList } from './otpauth-list-export.js';
