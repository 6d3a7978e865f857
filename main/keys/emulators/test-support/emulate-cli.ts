import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test-support/facts.js';

/**
 * `npm run emulate -- …` as a child process, for tests of what other programs see: serve.ts under
 * tsx's loader (what the npm script runs), ready once it printed its "emulate: …" line, stopped with SIGTERM
 * (SIGKILL if it does not exit). The exit hook kills it if a test dies first.
 */
export interface EmulatorProcess {
  readonly child: ChildProcess;
  /** The line it printed when ready. */
  readonly banner: string;
  output(): string;
  /** SIGTERM, then waits for the exit; the exit code (null when killed). */
  stop(): Promise<number | null>;
}

const SERVE = join(REPO_ROOT, 'main', 'keys', 'emulators', 'serve.ts');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startEmulatorCli(args: readonly string[], readyTimeoutMs = 30_000): Promise<EmulatorProcess> {
  // One process (node with tsx's loader, not the tsx wrapper and its child), killed by the kernel
  // if this process dies first (setpriv --pdeathsig, where present).
  const node = [process.execPath, '--import', 'tsx', SERVE, ...args];
  const command = spawnSync('which', ['setpriv']).status === 0 ? ['setpriv', '--pdeathsig', 'KILL', ...node] : node;
  const child = spawn(command[0] ?? process.execPath, command.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not start: ${output}`));
    }, readyTimeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^emulate: .*$/m.exec(output);
      if (line !== null) {
        clearTimeout(timer);
        resolve(line[0]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${String(code)}): ${output}`));
    });
  });
  return {
    child,
    banner,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
