/** Writes main/formats/otpauth-list/fixtures/ (run: npx tsx scripts/import-fixtures/otpauth-list.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatOtpauthUri } from '../../main/enroll/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/otpauth-list/fixtures');
const golden = Array.from({ length: 12 }, (_, i) => goldenAccount(i));

writeFileSync(join(OUT, 'golden.txt'), ['# Latchkey golden set, accounts 0-11', '', ...golden.map((a) => formatOtpauthUri(a)), ''].join('\n'));
writeFileSync(
  join(OUT, 'golden-crlf-with-bad-line.txt'),
  [...golden.slice(0, 3).map((a) => formatOtpauthUri(a)), 'otpauth://totp/Broken:entry?secret=NOT*BASE32', 'just a note', formatOtpauthUri(golden[3] ?? goldenAccount(3))].join('\r\n'),
);
console.log('wrote otpauth-list fixtures');
