import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The packaging config (electron-builder 26 flips these fuses in the binary it ships). */
const config: unknown = parse(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8'));

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

describe('Electron fuses in electron-builder.yml', () => {
  const fuses = field(config, 'electronFuses');

  it.each([
    // ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node for any caller.
    ['runAsNode', false],
    ['enableCookieEncryption', true],
    // NODE_OPTIONS (--require a script) and --inspect would let anyone run code inside the app.
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    // The renderer is served from app://latchkey; file:// needs no extra privileges.
    ['grantFileProtocolExtraPrivileges', false],
    ['loadBrowserProcessSpecificV8Snapshot', false],
  ])('%s is %s', (fuse, value) => {
    expect(field(fuses, fuse)).toBe(value);
  });

  it('sets exactly these fuses (a new one is a decision, not a default)', () => {
    expect(Object.keys(fuses as object).sort()).toEqual(
      [
        'enableCookieEncryption',
        'enableEmbeddedAsarIntegrityValidation',
        'enableNodeCliInspectArguments',
        'enableNodeOptionsEnvironmentVariable',
        'grantFileProtocolExtraPrivileges',
        'loadBrowserProcessSpecificV8Snapshot',
        'onlyLoadAppFromAsar',
        'runAsNode',
      ].sort(),
    );
  });

  it('packs the app into an asar whose integrity is recorded (the two asar fuses need it)', () => {
    const asar = field(config, 'asar');
    expect(asar === undefined || asar === true || (typeof asar === 'object' && field(asar, 'disableIntegrity') !== true)).toBe(true);
  });
});
