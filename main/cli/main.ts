// The process entry (bin/latchkey.js). Nothing is imported up front: `latchkey --version` reads one
// file and exits, the rest loads only for a command (run-cli.ts, then what the command needs).
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander's --version prints, without loading commander, the service or the contract.
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`${packageVersion()}\n`);
} else {
  // `code QUERY` and `list` given a password file: the vault's Argon2id starts first and runs on
  // libuv's pool while the rest of the CLI loads (kdf-head-start.ts); the unlock takes its key.
  const { headStartPlan, startHeadStart } = await import('./kdf-head-start.js');
  const plan = headStartPlan(argv, process.env);
  const headStart = plan === undefined ? undefined : await startHeadStart(plan, process.env);
  const [{ processIo }, { runCli }] = await Promise.all([import('./io.js'), import('./run-cli.js')]);
  process.exitCode = await runCli(argv, processIo(), headStart === undefined ? {} : { deriveKey: headStart.deriveKey });
  await headStart?.settle();
}
