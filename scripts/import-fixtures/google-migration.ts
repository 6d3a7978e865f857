/** Writes main/formats/google-migration/fixtures/ (run: npx tsx scripts/import-fixtures/google-migration.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMigrationUris } from '../../main/enroll/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/google-migration/fixtures');
const golden = Array.from({ length: 12 }, (_, i) => goldenAccount(i));
writeFileSync(join(OUT, 'golden.txt'), `${formatMigrationUris(golden, 987_654_321).join('\n')}\n`);
console.log('wrote google-migration fixtures');
