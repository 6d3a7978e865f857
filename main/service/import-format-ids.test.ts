import { describe, expect, it } from 'vitest';
import { FORMAT_IDS } from '../formats/index.js';
import { IMPORT_FORMAT_IDS } from './import-format-ids.js';

describe('the import formats named without loading them', () => {
  it('are the registry’s, in its order', () => {
    expect(IMPORT_FORMAT_IDS).toEqual(FORMAT_IDS);
  });
});
