import { describe, expect, it } from 'vitest';
import { RENDERER_CHANNELS } from '../../shared/renderer-channels.js';
import type { ReplyEnvelope } from '../../shared/wire.js';
import { APP_URL } from './app-protocol.js';
import { isTrustedSender, registerIpc, type IpcMainLike } from './ipc-guard.js';
import { CONTENT_SECURITY_POLICY, secureWindowOptions } from './window-policy.js';

// The page is served as app://latchkey/index.html (app-protocol.ts), not from file://.
const APP = APP_URL;

describe('IPC sender check (without Electron)', () => {
  it.each([
    ['our page, top frame', { url: APP, parent: null }, true],
    ['our page with a hash route', { url: `${APP}#/accounts`, parent: null }, true],
    ['a sub-frame of our page', { url: APP, parent: {} }, false],
    ['another file', { url: 'file:///tmp/evil.html', parent: null }, false],
    ['our files over file://', { url: 'file:///opt/latchkey/renderer/dist/index.html', parent: null }, false],
    ['another page of our origin', { url: 'app://latchkey/other.html', parent: null }, false],
    ['another app:// host', { url: 'app://evil/index.html', parent: null }, false],
    ['our host on a port', { url: 'app://latchkey:1/index.html', parent: null }, false],
    ['a web page', { url: 'https://example.com/', parent: null }, false],
    ['an empty URL', { url: '', parent: null }, false],
    ['no frame (gone)', null, false],
  ])('%s → %s', (_name, frame, trusted) => {
    expect(isTrustedSender(frame, APP)).toBe(trusted);
  });

  it('registers the page’s channels only, and answers untrusted senders without calling the service', async () => {
    const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    let served = 0;
    const dispatch = (): Promise<ReplyEnvelope> => {
      served++;
      return Promise.resolve({ ok: true, value: {} });
    };
    registerIpc({ handle: (channel, listener) => handlers.set(channel, listener) }, dispatch, APP);
    expect([...handlers.keys()].sort()).toEqual([...RENDERER_CHANNELS].sort());
    for (const unserved of ['keys.challenge', 'export.create', 'backup.create', 'otp.code', 'uri.parse']) expect(handlers.has(unserved)).toBe(false);
    const handler = handlers.get('accounts.list');
    if (handler === undefined) throw new Error('accounts.list not registered');
    expect(await handler({ senderFrame: { url: 'https://evil.example/', parent: null } as never }, {})).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(served).toBe(0);
    expect(await handler({ senderFrame: { url: APP, parent: null } as never }, {})).toEqual({ ok: true, value: {} });
    expect(served).toBe(1);
  });
});

describe('window and content policy (without Electron)', () => {
  it('isolates and sandboxes the renderer', () => {
    const { webPreferences } = secureWindowOptions('/x/preload.cjs');
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      preload: '/x/preload.cjs',
    });
  });

  it('allows no remote content and no inline script', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});
