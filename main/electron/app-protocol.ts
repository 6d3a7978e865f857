import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './window-policy.js';

/**
 * The renderer is served from a custom, standard and secure scheme instead of `file://` (a
 * `file://` page with `script-src 'self'` may load scripts from any sibling folder): one origin,
 * `app://latchkey`, that maps onto renderer/dist and nothing else. Plain Node: main.ts registers
 * the scheme and hands Electron's requests to `appProtocolHandler`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'latchkey';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged` (before `ready`): a standard scheme (real origins,
 * relative URLs) that is secure (a secure context, like https). Nothing more: no CSP bypass, no
 * CORS opening to other origins, no fetch() from the page (its CSP says `connect-src 'none'`).
 */
export const APP_SCHEME_REGISTRATION = { scheme: APP_SCHEME, privileges: { standard: true, secure: true } } as const;

/** What we serve, by extension; anything else goes out as bytes the page can't run (with nosniff). */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeOf(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` an `app://` URL names, or undefined when it names none: another scheme or
 * host, credentials or a port, a folder (a trailing `/`), or any path that could leave `root` (`..`,
 * `%2e%2e`, an encoded `/` or `\`, a NUL, an empty segment). Percent-escapes are decoded once, and
 * each decoded segment must be a plain file or folder name.
 */
export function resolveAppPath(url: string, root: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return undefined;
  const encoded = parsed.pathname.split('/').slice(1);
  if (encoded.length === 0 || encoded.at(-1) === '') return undefined;
  const segments: string[] = [];
  for (const part of encoded) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return undefined;
    segments.push(segment);
  }
  const base = resolve(root);
  const path = join(base, ...segments);
  const inside = relative(base, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return path;
}

/** The headers every file we serve carries: its type, our CSP, and no sniffing or caching. */
export function appResponseHeaders(path: string): Record<string, string> {
  return {
    'Content-Type': mimeTypeOf(path),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

/** What `protocol.handle` passes us (a fetch Request); only these two fields are read. */
export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

/**
 * The `protocol.handle('app', …)` handler: GET/HEAD of a file under `root`, else 404 (or 405 for
 * another method). `readFile` is injected (Electron's fs reads inside app.asar; tests pass a temp dir).
 */
export function appProtocolHandler(root: string, readFile: (path: string) => Promise<Uint8Array>): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const path = resolveAppPath(request.url, root);
    if (path === undefined) return new Response(null, { status: 404 });
    let body: Uint8Array;
    try {
      body = await readFile(path);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: appResponseHeaders(path) });
  };
}
