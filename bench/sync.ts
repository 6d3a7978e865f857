import { performance } from 'node:perf_hooks';
import type { AccountDraft } from '../shared/account.js';
import { openSecretsAppTransport } from '../main/keys/ctaphid/index.js';
import { openEmulatedNitrokey3 } from '../main/keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath } from '../main/keys/emulators/yubikey-oath.js';
import { applySyncPlan, makeSyncPlan, openSyncKey } from '../main/service/sync/index.js';
import { createVault, unlockVault } from '../main/vault/index.js';
import { tempVaultPath, testRuntime } from '../main/vault/test-support/test-runtime.js';
import type { BenchRow } from './measure.js';
import { countingHidDevice, countingTransport } from './oath-operations.js';

/**
 * `npm run bench -- sync` (issue 17): one `keys sync` of 50 vault accounts onto two emulated keys (a
 * YubiKey 5.7 and a Nitrokey 3), planned, written and each TOTP verified, in process: wall time,
 * APDUs (YubiKey) and CTAPHID packets (NK3), and touches asked. The peer is what the same takes by
 * hand in ykman: one `ykman oath accounts add` per account per key (and none of them checked).
 */
const ACCOUNTS = 50;
const PASSWORD = 'a vault password for the sync benchmark';

function drafts(): AccountDraft[] {
  return Array.from({ length: ACCOUNTS }, (_, index) => ({
    type: 'totp' as const,
    algorithm: index % 5 === 0 ? ('SHA256' as const) : ('SHA1' as const),
    digits: index % 7 === 0 ? 8 : 6,
    period: index % 10 === 0 ? 60 : 30,
    issuer: `Site ${String(index)}`,
    label: `user${String(index)}@example.com`,
    secret: new Uint8Array(Buffer.from(`bench secret number ${String(index)}`)),
  }));
}

export async function benchSync(): Promise<BenchRow[]> {
  const runtime = await testRuntime();
  const path = tempVaultPath();
  await createVault(path, PASSWORD, runtime);
  const vault = await unlockVault(path, { password: PASSWORD }, runtime);
  vault.addMany(drafts());
  const card = openEmulatedYubiKeyOath({ firmware: [5, 7, 1] });
  const yubikey = countingTransport({ transmit: (apdu) => card.transmit(apdu) });
  const nitrokey = countingHidDevice(openEmulatedNitrokey3());
  const keys = [await openSyncKey(yubikey.transport, 'yubikey-oath'), await openSyncKey(await openSecretsAppTransport(nitrokey.device), 'nitrokey3')];
  const accounts = vault.list().accounts.map((account) => account.id);
  let touches = 0;
  const operation = {
    signal: new AbortController().signal,
    progress: (_stage: string, _fraction?: number, detail: { readonly needsTouch?: boolean } = {}) => {
      if (detail.needsTouch === true) touches += 1;
    },
  };
  const [apdusBefore, packetsBefore] = [yubikey.apdus(), nitrokey.packets()];
  const started = performance.now();
  const plan = await makeSyncPlan(vault, keys, { accounts }, Date.now());
  const applied = await applySyncPlan(plan, { vault, keys, operation, now: () => Date.now() });
  const ms = performance.now() - started;
  const packets = nitrokey.packets();
  const again = await makeSyncPlan(vault, keys, { accounts }, Date.now());
  vault.lock();
  const byHand = ACCOUNTS * keys.length;
  return [
    {
      name: `sync ${String(ACCOUNTS)} accounts → YubiKey + Nitrokey 3 (emulated)`,
      figure: `1 command; ${ms.toFixed(0)} ms; ${String(yubikey.apdus() - apdusBefore)} APDUs + ${String(packets.out - packetsBefore.out)}/${String(packets.in - packetsBefore.in)} NK3 packets out/in; ${String(touches)} touches`,
      peer: `${String(byHand)} ykman oath accounts add`,
      ratio: `${(1 / byHand).toFixed(3)}×`,
      note: `${String(applied.length)} written, every TOTP checked against the vault's code; a second plan writes ${String(again.cells.filter((cell) => cell.action !== 'identical').length)}; by hand nothing is checked`,
    },
  ];
}
