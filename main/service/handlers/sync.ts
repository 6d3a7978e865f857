import type { AccountMeta } from '../../../shared/account.js';
import type { keysSyncChannels } from '../../../shared/keys-sync-api.js';
import type { KeyClock } from '../../keys/clock.js';
import type { VaultSession } from '../../vault/index.js';
import { matchAccounts } from '../account-query.js';
import type { Devices } from '../devices.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { Operation } from '../operations.js';
import { afterReauth } from '../reauth.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { applySyncPlan, foundInMemory, foundIntoVault, inspectInventory, makeSyncPlan, markedLost, rebuildRequest, withSyncKeys, type PlanOptions, type SyncKey, type SyncPlan } from '../sync/index.js';
import { RememberedAccessKeys } from './keys-oath-access.js';
import type { VaultHost } from '../vault-host.js';

type SyncChannel = keyof typeof keysSyncChannels;

export interface SyncDeps {
  readonly host: VaultHost;
  readonly clock: Clock;
  readonly devices: Devices;
  /** The key drivers' clock (tests); the real one by default. */
  readonly keyClock?: KeyClock;
  readonly trace?: (line: string) => void;
}

interface Selection {
  readonly accountIds?: readonly string[] | undefined;
  readonly query?: string | undefined;
  /** Target ids (`SERIAL`, `SERIAL/otp`), as the schema gave them. */
  readonly keys?: readonly string[] | undefined;
  readonly auth?: readonly { readonly serial?: number | undefined; readonly pin?: string | undefined; readonly password?: string | undefined }[] | undefined;
  readonly touch?: boolean | undefined;
  readonly spread?: number | undefined;
  readonly hotpOnSeveralKeys: boolean;
  readonly allowTouch: boolean;
  readonly choose?: readonly { readonly key: string; readonly name: string }[] | undefined;
}

/** The accounts a request means, in its order: the ids given, else those its query matches, else all. */
function chosenAccounts(accounts: readonly AccountMeta[], selection: Selection): string[] {
  if (selection.accountIds !== undefined) return [...selection.accountIds];
  return (selection.query === undefined ? accounts : matchAccounts(accounts, selection.query)).map((account) => account.id);
}

function planOptions(selection: Selection): PlanOptions {
  return {
    ...(selection.touch === undefined ? {} : { touch: selection.touch }),
    ...(selection.spread === undefined ? {} : { spread: { copies: selection.spread } }),
    hotpOnSeveralKeys: selection.hotpOnSeveralKeys,
    ...(selection.choose === undefined ? {} : { choose: selection.choose }),
  };
}

/** A plan as the contract shows it: `actions` (DESIGN.md's `keys sync --json`), room, fits, warnings. */
function planView(plan: SyncPlan) {
  return {
    actions: plan.cells.map((cell) => ({
      key: cell.key,
      target: cell.target,
      action: cell.action,
      name: cell.name,
      ...(cell.reason === undefined ? {} : { reason: cell.reason }),
      ...(cell.accountId === undefined ? {} : { accountId: cell.accountId }),
      ...(cell.from === undefined ? {} : { from: cell.from }),
      ...(cell.optIn === undefined ? {} : { optIn: cell.optIn }),
      ...(cell.chosen === undefined ? {} : { chosen: cell.chosen }),
      ...(cell.compared === undefined ? {} : { compared: cell.compared }),
      ...(cell.slot === undefined ? {} : { slot: cell.slot }),
    })),
    room: plan.room.map((room) => ({ ...room })),
    fits: plan.fits,
    warnings: [...plan.warnings],
  };
}

/** The sync channels (keys-sync-api.ts) over the sync core (service/sync/). */
export function syncHandlers(deps: SyncDeps): HandlersFor<SyncChannel> {
  const { host, clock, devices } = deps;
  // The access passwords the other keys channels remember open the keys here too, and the other way round.
  const remembered = RememberedAccessKeys.forHost(host, clock);
  const connect = (selection: Pick<Selection, 'keys' | 'auth'>, all = false) => ({
    targets: selection.keys,
    all,
    auth: selection.auth,
    remembered,
    ...(deps.keyClock === undefined ? {} : { clock: deps.keyClock }),
    ...(deps.trace === undefined ? {} : { trace: deps.trace }),
  });
  /** Planning touches only with `allowTouch`: each is told as a prompt naming the key. */
  const observe = (selection: Pick<Selection, 'allowTouch'>, operation: Operation) => ({
    allowTouch: selection.allowTouch,
    signal: operation.signal,
    onProgress: (progress: { readonly needsTouch: boolean }, credential: string, serial: number) => {
      if (progress.needsTouch) operation.progress(`Touch key ${String(serial)} to compare ${credential}`, undefined, { needsTouch: true, key: String(serial) });
    },
  });
  const plan = (vault: VaultSession, selection: Selection, operation: Operation) =>
    withSyncKeys(devices, connect(selection), async (keys) => {
      const request = { accounts: chosenAccounts(vault.list().accounts, selection), options: planOptions(selection), observe: observe(selection, operation) };
      return makeSyncPlan(vault, keys, request, clock.now());
    });
  return {
    'keys.syncPlan': (request, operation) => host.serialized(async () => planView(await plan(host.session(), request, operation))),
    'keys.syncApply': (request, operation) =>
      afterReauth(
        host,
        request.vaultPassword,
        (vault) =>
          withSyncKeys(devices, connect(request), async (keys) => {
            const accounts = chosenAccounts(vault.list().accounts, request);
            const made = await makeSyncPlan(vault, keys, { accounts, options: planOptions(request), observe: observe(request, operation) }, clock.now());
            const applied = await applySyncPlan(made, { vault, keys, operation, now: () => clock.now() });
            return { ...planView(made), applied };
          }),
        operation,
      ),
    'keys.rebuild': (request, operation) => {
      const rebuild = (vault: VaultSession) =>
        withSyncKeys(devices, connect({ keys: [request.to], auth: request.auth }), async (keys) => {
          const wanted = rebuildRequest(vault.records.get('key-inventory') ?? {}, vault.list().accounts, request.from, request.to, vault.records.get('key-writes') ?? {});
          const made = await makeSyncPlan(vault, keys, { accounts: wanted.accounts, options: wanted.options, observe: observe(request, operation) }, clock.now());
          const impossible = wanted.impossible.map((entry) => ({ ...entry }));
          const view = { ...planView(made), warnings: [...wanted.warnings, ...made.warnings] };
          if (request.dryRun) return { ...view, applied: [], impossible };
          const applied = await applySyncPlan(made, { vault, keys, operation, now: () => clock.now() });
          // Only once the new key holds everything: an unplug before leaves the old key as it was, and a rerun resumes.
          const lostAt = Math.floor(clock.now() / 1000);
          vault.transaction((tx) => {
            tx.records.put('key-inventory', markedLost(tx.records.get('key-inventory') ?? {}, request.from, lostAt));
          });
          return { ...view, applied, impossible, lostAt };
        });
      if (request.dryRun) return host.serialized(() => rebuild(host.session()));
      if (request.vaultPassword === undefined) throw new LatchkeyError('INVALID_REQUEST', 'the vault password is needed again (vaultPassword)');
      return afterReauth(host, request.vaultPassword, rebuild, operation);
    },
    'keys.syncImport': async (request, operation) => {
      // The import readers and QR decoding (zxing, sharp) load only for this channel, not for every sync.
      const { readSourceAccounts } = await import('./sync-sources.js');
      const found = await readSourceAccounts(request.source, operation);
      const options = { ...(request.touch === undefined ? {} : { touch: request.touch }), hotpOnSeveralKeys: false };
      const put = (vault: VaultSession) =>
        withSyncKeys(devices, connect({ keys: [request.key], auth: request.auth }), async (keys) => {
          const extra = { invalid: found.invalid.map((entry) => ({ ...entry })) };
          const withWarnings = (plan: SyncPlan) => ({ ...planView(plan), warnings: [...found.warnings, ...plan.warnings] });
          if (request.dryRun || request.keyOnly) {
            // Planned beside the vault; with --key-only also applied so: the secrets never reach the vault file.
            const beside = foundInMemory(vault, found.drafts, clock.now());
            try {
              const made = await makeSyncPlan(beside.vault, keys, { accounts: beside.ids, options, observe: observe({ allowTouch: false }, operation) }, clock.now());
              if (request.dryRun) return { ...withWarnings(made), applied: [], addedToVault: [], ...extra };
              const applied = await applySyncPlan(made, { vault: beside.vault, keys, operation, now: () => clock.now(), keyOnly: beside.inMemory });
              return { ...withWarnings(made), applied, addedToVault: [], ...extra };
            } finally {
              beside.wipe();
            }
          }
          // Room is checked before the vault is changed: a plan that does not fit adds nothing to either.
          // (The in-memory view shares the drafts' secrets: it is not wiped here, the drafts are at the end.)
          const beside = foundInMemory(vault, found.drafts, clock.now());
          const trial = await makeSyncPlan(beside.vault, keys, { accounts: beside.ids, options }, clock.now());
          if (!trial.fits) throw new LatchkeyError('KEY_FULL', `the accounts do not fit on key ${request.key}; nothing was imported or written`);
          const { ids, added } = foundIntoVault(vault, found.drafts);
          const made = await makeSyncPlan(vault, keys, { accounts: ids, options, observe: observe({ allowTouch: false }, operation) }, clock.now());
          const applied = await applySyncPlan(made, { vault, keys, operation, now: () => clock.now() });
          return { ...withWarnings(made), applied, addedToVault: [...added], ...extra };
        });
      try {
        if (request.dryRun) return await host.serialized(() => put(host.session()));
        if (request.vaultPassword === undefined) throw new LatchkeyError('INVALID_REQUEST', 'the vault password is needed again (vaultPassword)');
        return await afterReauth(host, request.vaultPassword, put, operation);
      } finally {
        for (const draft of found.drafts) draft.secret.fill(0);
      }
    },
    'keys.inventory': (request) =>
      host.serialized(async () => {
        const vault = host.session();
        // The inventory is of OATH keys; OTP slots are never opened here (no target names them).
        // A transport unavailable (no pcscd) leaves the keys the others show (a Nitrokey 3) checked, and says why the rest were not.
        const report = await withSyncKeys(devices, connect({ auth: request.auth }, true), async (keys, unavailable) => {
          const inspected = await inspectInventory(vault, keys.filter((key): key is SyncKey => key.kind !== 'yubikey-otp'), clock.now());
          return unavailable.length === 0 ? inspected : { ...inspected, unavailable: unavailable.map((error) => error.message) };
        }).catch(
          async (error: unknown) => {
            // The inventory is a sealed record: PC/SC missing (no pcscd, no `smartcard` addon) hides only the drift, said with its fix.
            if (!(error instanceof LatchkeyError && error.code === 'KEY_SERVICE_UNAVAILABLE')) throw error;
            return { ...(await inspectInventory(vault, [], clock.now())), unavailable: [error.message] };
          },
        );
        return {
          ...('unavailable' in report ? { unavailable: [...report.unavailable] } : {}),
          keys: report.keys.map((key) => ({ ...key, credentials: key.credentials.map((credential) => ({ ...credential })) })),
          accounts: report.accounts.map((account) => ({ ...account, keys: [...account.keys], targets: [...account.targets] })),
          seen: [...report.seen],
          drift: report.drift.map((cell) => ({ ...cell })),
        };
      }),
  };
}
