import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_REGISTRATION, APP_URL, appProtocolHandler, mimeTypeOf, resolveAppPath } from './app-protocol.js';
import { CONTENT_SECURITY_POLICY } from './window-policy.js';

const ROOT = '/opt/latchkey/renderer/dist';

describe('app:// URL → file under renderer/dist (without Electron)', () => {
  it('serves the page at app://latchkey/index.html', () => {
    expect(APP_URL).toBe('app://latchkey/index.html');
    expect(resolveAppPath(APP_URL, ROOT)).toBe(`${ROOT}/index.html`);
    expect(resolveAppPath('app://latchkey/assets/index-abc123.js', ROOT)).toBe(`${ROOT}/assets/index-abc123.js`);
    // A hash route or a query names the same file.
    expect(resolveAppPath(`${APP_URL}#/accounts`, ROOT)).toBe(`${ROOT}/index.html`);
    expect(resolveAppPath(`${APP_URL}?x=1`, ROOT)).toBe(`${ROOT}/index.html`);
    // A percent-encoded ordinary name is decoded once.
    expect(resolveAppPath('app://latchkey/assets/a%20b.png', ROOT)).toBe(`${ROOT}/assets/a b.png`);
  });

  it('registers app:// as standard and secure, and nothing more (no CSP bypass, no CORS, no fetch)', () => {
    expect(APP_SCHEME_REGISTRATION).toEqual({ scheme: 'app', privileges: { standard: true, secure: true } });
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['a host differing in case', 'app://LATCHKEY/index.html'],
    ['a port', 'app://latchkey:8080/index.html'],
    ['credentials', 'app://user:pw@latchkey/index.html'],
    ['another scheme', 'file:///opt/latchkey/renderer/dist/index.html'],
    ['a web page', 'https://latchkey/index.html'],
    ['no path', 'app://latchkey'],
    ['the root folder', 'app://latchkey/'],
    ['a folder', 'app://latchkey/assets/'],
    ['an empty segment', 'app://latchkey/assets//x.js'],
    ['an encoded slash before ..', 'app://latchkey/..%2f..%2fetc/passwd'],
    ['encoded dots and slash', 'app://latchkey/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['an encoded backslash', 'app://latchkey/..%5c..%5cetc%5cpasswd'],
    ['a raw backslash', 'app://latchkey/..\\..\\etc\\passwd'],
    ['an encoded NUL', 'app://latchkey/index.html%00.png'],
    ['a drive letter', 'app://latchkey/C:%5cWindows%5cwin.ini'],
    ['a broken escape', 'app://latchkey/%E0%A4%A'],
    ['not a URL', 'latchkey/index.html'],
  ])('refuses %s: %s', (_name, url) => {
    expect(resolveAppPath(url, ROOT)).toBeUndefined();
  });

  it.each([
    'app://latchkey/../../../etc/passwd',
    'app://latchkey/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    'app://latchkey/.%2e/.%2e/etc/passwd',
    'app://latchkey/assets/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
    'app://latchkey/%252e%252e/%252e%252e/etc/passwd',
  ])('never leaves renderer/dist: %s', (url) => {
    // Dot segments (plain or escaped) are folded by the URL parser before we see the path, so they
    // clamp at the root; whatever comes out stays strictly inside it.
    const path = resolveAppPath(url, ROOT);
    if (path !== undefined) {
      const inside = relative(ROOT, path);
      expect(inside.startsWith('..') || inside === '').toBe(false);
      expect(path.startsWith(`${ROOT}${sep}`)).toBe(true);
    }
  });

  it('types what it serves', () => {
    expect(mimeTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('/x/a.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('/x/a.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('/x/a.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('/x/a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('/x/a.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('/x/README')).toBe('application/octet-stream');
  });
});

describe('the app:// protocol handler (without Electron)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-app-protocol-'));
  const root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Latchkey</title>');
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
  // A sibling of renderer/dist: what a file:// page could reach with script-src 'self'.
  writeFileSync(join(dir, 'secret.js'), 'steal()');
  const handle = appProtocolHandler(root, (path) => readFile(path));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves our files with their type, the CSP and nosniff', async () => {
    const page = await handle({ url: APP_URL, method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Latchkey</title>');
    const script = await handle({ url: 'app://latchkey/assets/main.js', method: 'GET' });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('answers 404 for a missing file, a sibling folder, or another host, and 405 for a POST', async () => {
    expect((await handle({ url: 'app://latchkey/missing.js', method: 'GET' })).status).toBe(404);
    expect((await handle({ url: 'app://latchkey/..%2fsecret.js', method: 'GET' })).status).toBe(404);
    expect((await handle({ url: 'app://latchkey/../secret.js', method: 'GET' })).status).toBe(404);
    expect((await handle({ url: 'app://other/index.html', method: 'GET' })).status).toBe(404);
    expect((await handle({ url: 'app://latchkey/assets', method: 'GET' })).status).toBe(404);
    expect((await handle({ url: APP_URL, method: 'POST' })).status).toBe(405);
  });

  it('answers HEAD without a body', async () => {
    const head = await handle({ url: APP_URL, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
