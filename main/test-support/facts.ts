import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in main/test-support/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The team's facts folder beside the repository: ../shared (not the repo's own shared/). */
export const FACTS_ROOT = resolve(REPO_ROOT, '..', 'shared');

export function readVectors(name: string): unknown {
  return JSON.parse(readFileSync(join(FACTS_ROOT, 'vectors', name), 'utf8')) as unknown;
}
