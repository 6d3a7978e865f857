import { printTable, type BenchRow } from './measure.js';
import { benchBackup } from './backup.js';
import { benchAegisImport } from './import-aegis.js';
import { benchOtpTick } from './otp-tick.js';
import { benchQr } from './qr.js';
import { benchVault } from './vault.js';

/** `npm run bench`: prints a table with a ratio against each named peer. Never asserts a time. */
const rows: BenchRow[] = [...benchOtpTick(), ...(await benchQr()), ...(await benchVault()), ...(await benchAegisImport()), ...benchBackup()];
printTable(rows);
