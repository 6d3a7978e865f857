import type { ReplyOf, RequestOf } from '../../../shared/api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import type { Connection } from '../context.js';
import type { CliIo } from '../io.js';
import { plural } from '../output.js';
import { planText, targetArgument } from './keys/register-sync.js';

/** `--to-key SERIAL [--key-only]` of `import` and `scan` (issue 17, item 6). */
export interface ToKeyFlags {
  readonly toKey?: string;
  readonly keyOnly: boolean;
}

export interface KeyTarget {
  /** The sync target id: a serial (its OATH application) or `SERIAL/otp` (a YubiKey's OTP slots, HOTP accounts only). */
  readonly key: string;
  readonly keyOnly: boolean;
}

type Source = RequestOf<'keys.syncImport'>['source'];
export type ToKeyReply = ReplyOf<'keys.syncImport'>;

export const TO_KEY_HELP = `
With --to-key SERIAL the accounts go onto that OATH key (YubiKey, Nitrokey 3) through the same plan
as \`keys sync\` (shown first; each write checked; SERIAL/otp: a YubiKey's OTP slots, for HOTP
accounts), and into the vault too; with --key-only they never
enter the vault (the inventory then records that the vault can't rebuild them). With --json the
result has \`toKey\`: one { actions, room, fits, warnings, applied, addedToVault, invalid } per source.`;

/** The target the flags name, or undefined without --to-key (then the command behaves as it always did). */
export function keyTarget(flags: ToKeyFlags): KeyTarget | undefined {
  if (flags.toKey === undefined) {
    if (flags.keyOnly) throw new UsageError('--key-only goes with --to-key SERIAL (the key the secrets are kept on)');
    return undefined;
  }
  return { key: targetArgument('--to-key', flags.toKey), keyOnly: flags.keyOnly };
}

/**
 * Plans each source onto the key (nothing written), and unless `dryRun` asks (or takes --yes) and
 * applies it behind the vault password. Returns each source's reply, the plans on a dry run.
 */
export async function putOnKey(connection: Connection, io: CliIo, sources: readonly Source[], target: KeyTarget, dryRun: boolean): Promise<ToKeyReply[]> {
  const { client, globals } = connection;
  const base = { key: target.key, keyOnly: target.keyOnly };
  const plans: ToKeyReply[] = [];
  for (const source of sources) plans.push(await client.call('keys.syncImport', { ...base, source, dryRun: true }));
  if (dryRun) return plans;
  const writes = plans.flatMap((plan) => plan.actions).filter((action) => action.action === 'add' || action.action === 'overwrite').length;
  if (!globals.json) io.writeErr(`${plans.map(planText).join('\n')}\n`);
  const unfit = plans.find((plan) => !plan.fits);
  if (unfit !== undefined) throw new LatchkeyError('KEY_FULL', `the accounts do not fit on key ${target.key}; nothing was written`);
  if (!globals.yes) {
    if (!io.interactive) throw new UsageError('putting accounts on a key needs confirmation: add --yes (or --dry-run to only see the plan)');
    const where = target.keyOnly ? 'only (not into the vault)' : 'and into the vault';
    const answer = await io.prompt(`Write ${plural(writes, 'credential')} to key ${target.key} ${where}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was written');
  }
  const vaultPassword = await connection.vaultPassword();
  const replies: ToKeyReply[] = [];
  for (const source of sources) replies.push(await client.call('keys.syncImport', { ...base, source, vaultPassword }));
  return replies;
}

/** The plans (and what was written) as text. */
export function toKeyText(replies: readonly ToKeyReply[], target: KeyTarget, dryRun: boolean): string {
  const applied = replies.flatMap((reply) => reply.applied);
  const added = replies.reduce((sum, reply) => sum + reply.addedToVault.length, 0);
  if (dryRun) return `${replies.map(planText).join('\n')}\nNothing was written (--dry-run).`;
  return [
    ...applied.map((cell) => `${cell.target}  ${cell.action.padEnd(11)} ${cell.name}  ${cell.check}`),
    `${plural(applied.length, 'credential')} written to key ${target.key} and checked; ${target.keyOnly ? 'the vault keeps none of them (key-only)' : `${plural(added, 'account')} added to the vault`}.`,
  ].join('\n');
}
