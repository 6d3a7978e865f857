import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { REPO_ROOT } from '../test-support/facts.js';

describe('README exit-code table', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it.each(Object.entries(EXIT_CODES))('documents %s as %i', (code, exit) => {
    expect(readme).toContain(`| ${String(exit)} | \`${code}\` |`);
  });
});

describe('README on running the CLI', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('says npx latchkey works from the project folder only (elsewhere npx asks the registry), or after npm link', () => {
    const section = readme.slice(readme.indexOf('## The `latchkey` command'), readme.indexOf('```sh', readme.indexOf('## The `latchkey` command')));
    expect(section).toMatch(/from the project folder/);
    expect(section).toMatch(/npm registry/);
    expect(section).toMatch(/`npm link` in the project folder/);
  });
});
