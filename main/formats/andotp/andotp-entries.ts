import { z } from 'zod';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { buildAccount, partition, type LooseEntry } from '../entry-builder.js';
import { malformed } from '../import-error.js';
import type { ImportedAccount, ImportResult } from '../types.js';

const numberLike = z.union([z.number(), z.string()]).nullish();
const text = z.string().nullish();

/** One andOTP entry (only the fields we read; `thumbnail`, `last_used`, `used_frequency` are dropped). */
const entrySchema = z.object({
  secret: text,
  issuer: text,
  label: text,
  type: text,
  algorithm: text,
  digits: numberLike,
  period: numberLike,
  counter: numberLike,
  tags: z.array(z.string()).nullish(),
});
type AndOtpEntry = z.infer<typeof entrySchema>;

const backupSchema = z.array(z.unknown());

/** A decrypted (or plain) backup: a JSON list of entries, each built or collected on its own. */
export function readEntries(json: unknown): ImportResult {
  const backup = backupSchema.safeParse(json);
  if (!backup.success) throw malformed('$', 'an andOTP backup is a JSON list of accounts');
  const warnings: string[] = [];
  const results = backup.data.map((raw, index): ImportedAccount | InvalidEntry => {
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) return wrongShape(index, entry.error);
    return buildAccount(index, toLooseEntry(entry.data), warnings);
  });
  if (backup.data.length === 0) warnings.push('the backup holds no accounts');
  return { ...partition(results), warnings };
}

function toLooseEntry(entry: AndOtpEntry): LooseEntry {
  return {
    ...names(entry),
    type: entry.type ?? undefined,
    secret: entry.secret === null || entry.secret === undefined ? undefined : { base32: entry.secret },
    algorithm: entry.algorithm ?? undefined,
    digits: entry.digits ?? undefined,
    period: entry.period ?? undefined,
    counter: entry.counter ?? undefined,
    tags: entry.tags ?? undefined,
  };
}

/**
 * Aegis's rule: with an `issuer` key the label is the account name. Old backups have only
 * `label`, written as "Issuer - Issuer:Account"; it is split at the first " - " (the rest is kept
 * whole, where Aegis keeps only the second part) and a repeated "Issuer:" prefix is dropped from the
 * name (Aegis keeps it: "Deno:Mason").
 */
function names(entry: AndOtpEntry): { issuer: string; label: string } {
  const label = entry.label ?? '';
  if (entry.issuer !== undefined && entry.issuer !== null) return { issuer: entry.issuer, label };
  const split = label.indexOf(' - ');
  if (split === -1) return { issuer: '', label };
  const issuer = label.slice(0, split);
  const name = label.slice(split + 3);
  return { issuer, label: issuer !== '' && name.startsWith(`${issuer}:`) ? name.slice(issuer.length + 1) : name };
}

function wrongShape(index: number, error: z.ZodError): InvalidEntry {
  const field = error.issues[0]?.path[0];
  if (typeof field !== 'string') return { index, field: 'entry', reason: 'the entry is not an object' };
  return { index, field, reason: `the "${field}" field has the wrong type` };
}
