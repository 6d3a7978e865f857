import { exitCodeFor, type ErrorInfo } from '../../shared/errors.js';
import type { AccountView } from '../../shared/vault-api.js';
import type { AccountDraftView } from '../../shared/wire.js';
import type { CliIo } from './io.js';
import { toJsonText } from './json.js';

/** Prints a result: JSON when asked, else the human text the command chose. */
export function printResult(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  io.writeOut(json ? `${toJsonText(value, 2)}\n` : `${human()}\n`);
}

/** One line `latchkey: CODE: message` (or a JSON error object) on stderr; returns the exit code. */
export function printError(io: CliIo, json: boolean, error: ErrorInfo): number {
  io.writeErr(json ? `${toJsonText({ error })}\n` : `latchkey: ${error.code}: ${error.message}\n`);
  return exitCodeFor(error.code);
}

/** `1 account`, `5 accounts`: every count the CLI prints goes through here. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${String(count)} ${count === 1 ? word : many}`;
}

export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const warning of warnings) io.writeErr(`latchkey: warning: ${warning}\n`);
}

/** An account in the JSON shape of the CLI contract (the counter as an exact number). */
export function accountJson(view: AccountDraftView, extra: { id?: string; tags?: readonly string[] } = {}): Record<string, unknown> {
  return {
    ...(extra.id === undefined ? {} : { id: extra.id }),
    type: view.type,
    issuer: view.issuer,
    label: view.label,
    algorithm: view.algorithm,
    digits: view.digits,
    ...(view.period === undefined ? {} : { period: view.period }),
    ...(view.counter === undefined ? {} : { counter: BigInt(view.counter) }),
    tags: extra.tags ?? [],
    ...(view.secretBase32 === undefined ? {} : { secretBase32: view.secretBase32 }),
  };
}

export function accountText(view: AccountDraftView): string {
  const rows: [string, string][] = [
    ['type', view.type],
    ['issuer', view.issuer],
    ['label', view.label],
    ['algorithm', view.algorithm],
    ['digits', String(view.digits)],
  ];
  if (view.period !== undefined) rows.push(['period', `${String(view.period)} s`]);
  if (view.counter !== undefined) rows.push(['counter', view.counter]);
  rows.push(['secret', view.secretBase32 ?? 'hidden (add --show-secrets to print it)']);
  return rows.map(([name, value]) => `${`${name}:`.padEnd(11)}${value}`).join('\n');
}

/** A stored account in the CLI contract's JSON shape (no code, no secret). */
export function viewJson(view: AccountView): Record<string, unknown> {
  return accountJson(view, { id: view.id, tags: view.tags });
}

/** `Issuer (label)`, or whichever of the two exists: how accounts are named in messages. */
export function accountName(view: Pick<AccountView, 'issuer' | 'label'>): string {
  if (view.issuer !== '' && view.label !== '') return `${view.issuer} (${view.label})`;
  return view.issuer !== '' ? view.issuer : view.label !== '' ? view.label : '(unnamed)';
}
