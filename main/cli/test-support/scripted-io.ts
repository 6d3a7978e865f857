import { onceOnly, type CliIo } from '../io.js';

/**
 * A CliIo for in-process runs: a terminal whose answers are scripted (each prompt takes the next
 * one; running out is a test failure), or no terminal at all. Everything written is kept.
 */
export function scriptedIo(options: { answers?: readonly string[]; interactive?: boolean; stdin?: string; env?: Record<string, string> } = {}) {
  const answers = [...(options.answers ?? [])];
  const asked: string[] = [];
  let out = '';
  let err = '';
  const io: CliIo = {
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
    readStdin: onceOnly(() => Promise.resolve(options.stdin ?? '')),
    env: options.env ?? {},
    interactive: options.interactive ?? answers.length > 0,
    prompt: (question) => {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) return Promise.reject(new Error(`no scripted answer for the prompt "${question}"`));
      return Promise.resolve(answer);
    },
  };
  return {
    io,
    asked,
    out: () => out,
    err: () => err,
    /** Answers not used: a test that scripted more than was asked is wrong. */
    left: () => answers.length,
  };
}
