// The process entry (bin/latchkey.js). Nothing is imported up front: `latchkey --version` reads one
// file and exits, the rest loads only for a command (run-cli.ts, then what the command needs).
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander's --version prints, without loading commander, the service or the contract.
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const [{ processIo }, { runCli }] = await Promise.all([import('./io.js'), import('./run-cli.js')]);
  process.exitCode = await runCli(argv, processIo());
}
