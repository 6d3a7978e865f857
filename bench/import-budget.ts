import { LatchkeyError } from '../shared/errors.js';
import { readImport, type Argon2id } from '../main/formats/index.js';
import { measureCost, WORST_FILES } from '../main/formats/test-support/worst-files.js';
import { argon2idInWorker } from '../main/vault/index.js';
import type { BenchRow } from './measure.js';

const MiB = 1024 * 1024;
/** The service's import Argon2id: a worker ended after each use (and past its timeout). */
const workerArgon2id: Argon2id = async (password, salt, ops, mem) => (await argon2idInWorker(password, salt, { ops, mem })).key;

/**
 * SECURITY-NOTES §8's budget (< 2 s, < 256 MiB extra RSS for hostile input) measured on the worst
 * files inside and just past each format's limits, with the real KDFs. Files inside the KDF box are
 * legitimately slow (they show progress); the rest must be refused or read within the budget.
 * `IMPORT_BUDGET_SKIP_GIB=1` leaves out the 1 GiB Argon2id run (several seconds, 1 GiB in a worker).
 */
export async function benchImportBudget(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const file of WORST_FILES) {
    if (process.env['IMPORT_BUDGET_SKIP_GIB'] === '1' && file.kdf?.kind === 'argon2id' && file.kdf.runs > 0) continue;
    const bytes = file.bytes();
    let outcome = 'parsed';
    const cost = await measureCost(async () => {
      try {
        await readImport(bytes, { password: 'not the password', argon2id: workerArgon2id, ...(file.format === undefined ? {} : { format: file.format }) });
      } catch (error) {
        if (!(error instanceof LatchkeyError)) throw error;
        outcome = error.code;
      }
    });
    if (outcome !== file.outcome) throw new Error(`${file.name}: expected ${file.outcome}, got ${outcome}`);
    const within = cost.ms < 2000 && cost.extraRssBytes < 256 * MiB;
    rows.push({
      name: `import: ${file.name}`,
      figure: `${cost.ms.toFixed(0)} ms, +${(cost.extraRssBytes / MiB).toFixed(0)} MiB`,
      peer: '< 2000 ms, < 256 MiB',
      ratio: within ? 'within' : file.inBox === true ? 'in KDF box' : 'OVER',
      note: `${outcome}${file.kdf === undefined ? '' : `; ${String(file.kdf.runs)} ${file.kdf.kind} run(s)`}`,
    });
  }
  return rows;
}
