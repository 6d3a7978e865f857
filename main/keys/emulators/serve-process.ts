import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * `serve.ts` (what `npm run emulate -- …` runs) as a child process, for tests and benchmarks of what
 * other programs see. A PC/SC card must live in another process than the one using the `smartcard`
 * addon: the addon's synchronous calls wait for pcscd, which waits for the card's answer, which a card
 * on the same event loop could never give.
 *
 * The caller names how to run serve.ts: tests run the TypeScript under tsx's loader, the compiled bench
 * runs `dist/…/serve.js` with plain node. Either way it is ONE process (no wrapper whose child a SIGKILL
 * would orphan), killed by the kernel if this process dies first (`setpriv --pdeathsig`, where present);
 * ready once it printed its "emulate: …" line; stopped with SIGTERM (SIGKILL if it does not exit). An exit
 * hook kills any still running.
 */
export interface EmulatorProcess {
  readonly child: ChildProcess;
  /** The line it printed when ready. */
  readonly banner: string;
  output(): string;
  /** SIGTERM, then waits for the exit; the exit code (null when killed). */
  stop(): Promise<number | null>;
}

export interface StartEmulatorProcessOptions {
  readonly cwd?: string;
  /** How long serve.ts may take to print its banner (default 30 s: tsx compiles on a loaded machine). */
  readonly readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** `serveCommand`: the program and its arguments up to serve's own, e.g. `[node, '--import', 'tsx', 'serve.ts']`. */
export async function startEmulatorProcess(serveCommand: readonly string[], args: readonly string[], options: StartEmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const command = spawnSync('which', ['setpriv']).status === 0 ? ['setpriv', '--pdeathsig', 'KILL', ...serveCommand, ...args] : [...serveCommand, ...args];
  const [program, ...programArgs] = command;
  if (program === undefined) throw new Error('no command to run serve.ts with');
  const child = spawn(program, programArgs, { ...(options.cwd === undefined ? {} : { cwd: options.cwd }), stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not start: ${output}`));
    }, options.readyTimeoutMs ?? 30_000);
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

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const leftover of live) leftover.kill('SIGKILL');
  });
}
