import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './measure.js';

const CHILD = join(import.meta.dirname, 'backup-child.js');

interface StepResult {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly baselineMiB: number;
}

function step(name: string, vault: string, backup: string, count: number): StepResult {
  // A small heap cap: the step must fit in it at any size, and GC can't hide growth behind lazy collection.
  return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=48', CHILD, name, vault, backup, String(count)], { encoding: 'utf8' }) || '{}') as StepResult;
}

/** Backup and restore at two vault sizes: streaming keeps peak memory flat in the number of accounts. */
export function benchBackup(): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-backup-'));
  try {
    const rows: BenchRow[] = [];
    for (const count of [1000, 10_000]) {
      const vault = join(dir, `vault-${String(count)}.sqlite`);
      const backup = join(dir, `vault-${String(count)}.lkbak`);
      execFileSync(process.execPath, [CHILD, 'build', vault, backup, String(count)]);
      const created = step('backup', vault, backup, count);
      const restored = step('restore', vault, backup, count);
      // The whole process's peak (the Argon2id worker included): compare the two sizes.
      const growth = (r: StepResult) => `peak RSS ${r.maxRssMiB.toFixed(0)} MiB`;
      rows.push(
        { name: `backup of a ${count.toLocaleString('en')}-account vault`, figure: `${created.ms.toFixed(0)} ms`, peer: '', ratio: '', note: `${growth(created)}; Argon2id at the floor` },
        { name: `restore (--replace) of ${count.toLocaleString('en')} accounts`, figure: `${restored.ms.toFixed(0)} ms`, peer: '', ratio: '', note: `${growth(restored)}; one transaction` },
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
