import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli, type CliRun } from './test-support/spawn-cli.js';

const PASSWORD = 'correct horse battery staple 7';

/** The bundled CLI run by bash, its password file a pipe: `--password-file <(…)`, as `pass` users write it. */
function runThroughPipe(home: string, args: string): Promise<CliRun> {
  const cli = join(REPO_ROOT, 'bin', 'latchkey.js');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `"$NODE" "$CLI" ${args} --password-file <(printf '%s\\n' "$PW")`],
      { cwd: home, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: home, LATCHKEY_HOME: join(home, 'latchkey'), NODE: process.execPath, CLI: cli, PW: PASSWORD } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe('the KDF head start and a password file read once', () => {
  // A pipe gives its bytes once: were the head start to read them, the command would find it empty.
  it.skipIf(process.platform === 'win32')('code QUERY and list with --password-file <(…) unlock as without a head start', async () => {
    const home = makeTempHome();
    const pw = join(home, 'pw.txt');
    writeFileSync(pw, `${PASSWORD}\n`);
    expect((await spawnCli(['init', '--kdf', '2,64', '--password-file', pw], { home })).code).toBe(0);
    const code = await runThroughPipe(home, 'code anything');
    expect(code.stderr).toBe('latchkey: NOT_FOUND: no account matches "anything"\n');
    const list = await runThroughPipe(home, 'list --json');
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
  });
});
