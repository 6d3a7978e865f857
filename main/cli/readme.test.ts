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
