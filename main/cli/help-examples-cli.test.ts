import { describe, expect, it } from 'vitest';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/**
 * README: "Every command has --help with examples." Checked over the whole command tree as the real
 * CLI prints it, groups (`keys`, `keys pin`) and their commands alike, so a new command can't
 * arrive without one.
 */
const home = makeTempHome();

async function help(path: readonly string[]): Promise<string> {
  const result = await spawnCli([...path, '--help'], { home });
  expect({ path, code: result.code }).toEqual({ path, code: 0 });
  return result.stdout;
}

/** The names in a help's "Commands:" block (commander's own `help` left out). */
function subcommandsOf(text: string): string[] {
  const block = text.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return block
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

async function walk(path: readonly string[], found: Map<string, string>): Promise<void> {
  const text = await help(path);
  found.set(path.join(' '), text);
  await Promise.all(subcommandsOf(text).map((name) => walk([...path, name], found)));
}

describe('--help', () => {
  it('every command and command group shows at least one "$ latchkey …" example of itself', async () => {
    const found = new Map<string, string>();
    await walk([], found);
    // The tree as of this test: a walk that finds few commands is a broken walk, not a pass.
    expect(found.size).toBeGreaterThanOrEqual(48);
    const without = [...found].filter(([, text]) => !text.split('\n').some((line) => line.trim().startsWith('$ latchkey'))).map(([path]) => path);
    expect(without).toEqual([]);
    for (const [path, text] of found) {
      if (path === '') continue;
      const examples = text.split('\n').filter((line) => line.trim().startsWith('$ latchkey'));
      // A group's examples may name its commands; a command's show the command itself.
      expect(examples.some((line) => line.trim().startsWith(`$ latchkey ${path}`)), path).toBe(true);
    }
  }, 120_000);
});
