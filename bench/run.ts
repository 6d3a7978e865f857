import { printTable, type BenchRow } from './measure.js';
import { benchAppFirstRender } from './app-render.js';
import { benchAppHeap } from './app-heap.js';
import { benchAppTimers } from './app-timers.js';
import { benchBackup } from './backup.js';
import { benchAegisImport } from './import-aegis.js';
import { benchImportBudget } from './import-budget.js';
import { benchOtpTick } from './otp-tick.js';
import { benchQr } from './qr.js';
import { benchUnlock } from './unlock.js';
import { benchVault } from './vault.js';
import { benchYubiKeyOtp } from './yubikey-otp.js';
import { benchOath } from './oath.js';
import { benchSync } from './sync.js';

/**
 * `npm run bench`: prints a table with a ratio against each named peer. Never asserts a time.
 * `node --expose-gc dist/bench/run.js WORD…` runs only the groups whose name contains a WORD
 * (e.g. `app` for the three app benchmarks, `app-heap` for one).
 */
const groups: { name: string; run: () => BenchRow[] | Promise<BenchRow[]> }[] = [
  { name: 'otp-tick', run: benchOtpTick },
  { name: 'qr', run: benchQr },
  { name: 'unlock', run: benchUnlock },
  { name: 'vault', run: benchVault },
  { name: 'import-aegis', run: benchAegisImport },
  { name: 'imports-budget', run: benchImportBudget },
  { name: 'backup', run: benchBackup },
  { name: 'app-render', run: benchAppFirstRender },
  { name: 'app-heap', run: benchAppHeap },
  { name: 'app-timers', run: benchAppTimers },
  { name: 'yubikey-otp', run: benchYubiKeyOtp },
  { name: 'oath', run: benchOath },
  { name: 'sync', run: benchSync },
];
const words = process.argv.slice(2);
const selected = groups.filter((group) => words.length === 0 || words.some((word) => group.name.includes(word)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${words.join(' ')}; the groups are: ${groups.map((group) => group.name).join(', ')}`);
  process.exit(64);
}
const rows: BenchRow[] = [];
for (const group of selected) rows.push(...(await group.run()));
printTable(rows);
