import { UriError } from './uri-error.js';

/**
 * Splits a URI query into parameters. Values are form-encoded in practice (`issuer=Air+Canada`), so
 * `+` is a space here (and only here). Malformed percent-encoding and repeated parameters are
 * refused rather than guessed at: a second `secret=` could smuggle a different key past a preview.
 */
export function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    const name = decodeComponent(rawName, 'a parameter name').toLowerCase();
    if (params.has(name)) throw new UriError('URI_MALFORMED', `parameter "${printable(name)}" appears more than once`);
    params.set(name, decodeComponent(rawValue.replace(/\+/g, ' '), `parameter "${printable(name)}"`));
  }
  return params;
}

export function decodeComponent(text: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UriError('URI_MALFORMED', `${where} has malformed percent-encoding`);
  }
}

/** A short, safe echo of a value that is not a secret (a parameter name, an algorithm). */
export function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}
