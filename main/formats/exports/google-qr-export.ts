import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { fitsGoogleAuthenticator, formatMigrationUris } from '../../enroll/index.js';
import type { ExportAccount, ExportResult } from './export-types.js';

/** Google Authenticator's "Transfer accounts" QR codes: batches of ten, as Google's app makes them. */
export async function exportGoogleQr(accounts: readonly ExportAccount[]): Promise<ExportResult> {
  const fitting = accounts.filter(fitsGoogleAuthenticator);
  const left = accounts.filter((account) => !fitsGoogleAuthenticator(account));
  const uris = formatMigrationUris(fitting, randomInt(-(2 ** 31), 2 ** 31));
  const files = await Promise.all(
    uris.map(async (uri, i) => ({ suffix: `-${String(i + 1)}-of-${String(uris.length)}.png`, mime: 'image/png', bytes: new Uint8Array(await QRCode.toBuffer(uri, { errorCorrectionLevel: 'M', width: 600, margin: 2 })) })),
  );
  const warnings = left.map((account) => `${account.issuer || account.label}: Google Authenticator can't hold it (Steam, a period other than 30 s, or digits other than 6/8); left out`);
  return { files, warnings, written: fitting.length };
}
