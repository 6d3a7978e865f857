import { createInterface } from 'node:readline';
import { UsageError } from '../../shared/errors.js';

/** What a command may touch of the outside world; tests and the real process supply their own. */
export interface CliIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** All of standard input; a second read in one command is USAGE (`-` means standard input once). */
  readStdin(): Promise<string>;
  /**
   * The same standard input as bytes (an image for `scan -`), under the same once-only rule. Optional:
   * an io that only has text (a test's) is read through readStdin.
   */
  readStdinBytes?(): Promise<Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when a person can answer prompts (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Asks on stderr; with `hidden`, what is typed is not echoed (passwords). */
  prompt(question: string, options?: { hidden?: boolean }): Promise<string>;
  /**
   * Ctrl-C while a command waits on something it can cancel (a key's touch): `listener` runs instead
   * of the process ending; returns the way to stop listening. Optional: without it Ctrl-C just ends.
   */
  onInterrupt?(listener: () => void): () => void;
}

export function processIo(): CliIo {
  // One guard for text and bytes: `--password-file - scan -` is two reads of one stream.
  const stdin = onceOnly(async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });
  ignoreClosedReader(process.stdout);
  ignoreClosedReader(process.stderr);
  return {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    readStdin: async () => (await stdin()).toString('utf8'),
    readStdinBytes: stdin,
    env: process.env,
    interactive: process.stdin.isTTY && process.stderr.isTTY,
    prompt: (question, options = {}) => promptTerminal(question, options.hidden === true),
    onInterrupt: (listener) => {
      process.on('SIGINT', listener);
      return () => {
        process.off('SIGINT', listener);
      };
    },
  };
}

/**
 * `latchkey --help | head -5` or `latchkey list | grep -q x`: the reader may close the pipe before
 * everything is written. That is the reader's choice, not a failure of the command, so the rest of
 * the output is dropped (no "Unhandled 'error' event" stack trace) and the command still finishes
 * its work (a change's automatic backup, say) and exits with its own code.
 */
export function ignoreClosedReader(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

/**
 * Standard input can be read once: two `-` in one command (`--password-file - --uri -`) would give
 * the second one nothing, so the second read is a usage error instead.
 */
export function onceOnly<T>(read: () => Promise<T>): () => Promise<T> {
  let used = false;
  return () => {
    if (used) return Promise.reject(new UsageError('standard input can be read only once per command: give "-" to one option or argument only'));
    used = true;
    return read();
  };
}

function promptTerminal(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // Echo nothing of what is typed: readline writes each keystroke through this method.
      (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
        if (text.startsWith(question)) process.stderr.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}
