import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appWindowArgs, profileInUse } from './app-window.js';

describe('the fallback app window', () => {
  it('is opened as an app (no tabs, no address bar) at its size, off the network', () => {
    const args = appWindowArgs({ width: 480, height: 760 });
    expect(args.filter((arg) => arg.startsWith('--app='))).toEqual(['--app=data:text/html,']);
    expect(args).toContain('--window-size=480,760');
    expect(args).toContain('--disable-background-networking');
  });

  it('tells a profile held by a running Chromium (a second npm start) from a stale lock', () => {
    const held = mkdtempSync(join(tmpdir(), 'latchkey-profile-'));
    symlinkSync(`somehost-${String(process.pid)}`, join(held, 'SingletonLock'));
    expect(profileInUse(held)).toBe(true);
    const stale = mkdtempSync(join(tmpdir(), 'latchkey-profile-'));
    symlinkSync('somehost-2147483646', join(stale, 'SingletonLock'));
    expect(profileInUse(stale)).toBe(false);
    expect(profileInUse(mkdtempSync(join(tmpdir(), 'latchkey-profile-')))).toBe(false);
  });
});
