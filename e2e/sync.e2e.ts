import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pcscServiceUnavailable } from '../main/keys/pcsc/pcsc-errors.js';
import type { Devices } from '../main/service/devices.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, type AppPage } from './harness.js';
import { holdableDevices, SAMPLE_NITROKEY_SERIAL, SAMPLE_YUBIKEY_SERIAL, sampleKeyHandles, type SampleKeys } from './sample-keys.js';

/**
 * The sync panel (issue 18, item 2) against the real service and the sample emulated keys (a
 * YubiKey 5 and a Nitrokey 3 behind their real transports): the plan as a table, the apply and its
 * progress, the codes on the keys against the vault's, an unplug mid-apply and a cancel each
 * reported and resumed, the spread when the accounts don't fit, and the inventory on the details.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const YUBIKEY = `YubiKey ${String(SAMPLE_YUBIKEY_SERIAL)}`;
const NITROKEY = `Nitrokey 3 ${String(SAMPLE_NITROKEY_SERIAL)}`;

/** Distinct base32 secrets, one per account. */
const secretOf = (index: number) => 'JBSWY3DPEHPK3PXP'.slice(0, 12) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.slice(index % 32, (index % 32) + 4).padEnd(4, 'Q');

async function call<T>(app: AppPage, channel: string, payload: unknown): Promise<T> {
  const reply = await app.service.dispatch(channel, payload);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

async function addAccounts(app: AppPage, names: readonly string[]): Promise<void> {
  for (const [index, name] of names.entries()) {
    await call(app, 'accounts.add', { uri: `otpauth://totp/${encodeURIComponent(name)}:user${String(index)}?secret=${secretOf(index)}&issuer=${encodeURIComponent(name)}` });
  }
}

const FOUR = ['Acme', 'Bravo', 'Charlie', 'Delta'];

/** The app unlocked with `names` in its vault, the sample keys plugged in, and the sync panel open from the keys panel. */
async function openSync(names: readonly string[], { keys = sampleKeyHandles(), devices = keys.devices, before }: { keys?: SampleKeys; devices?: Devices; before?: (app: AppPage) => Promise<void> } = {}): Promise<AppPage> {
  const app = await openUnlockedApp(browser, { keys: { devices }, viewport: { width: 440, height: 760 } });
  await addAccounts(app, names);
  await before?.(app);
  await app.page.reload();
  await app.page.getByLabel('Search accounts').waitFor();
  await app.page.getByRole('button', { name: 'Settings' }).click();
  await app.page.getByRole('button', { name: 'Security keys…' }).click();
  await app.page.getByRole('button', { name: 'Sync accounts to keys…' }).click();
  await app.page.getByRole('heading', { name: 'Sync accounts to keys' }).waitFor();
  await app.page.getByLabel(NITROKEY).waitFor();
  return app;
}

async function showPlan(app: AppPage): Promise<void> {
  await app.page.getByRole('button', { name: 'Show the plan' }).click();
  await app.page.getByRole('region', { name: 'The plan, accounts by keys' }).waitFor();
}

/** Asks for the plan and waits for the panel to say why there is none. */
async function showPlanRefused(app: AppPage): Promise<void> {
  await app.page.getByRole('button', { name: 'Show the plan' }).click();
  await app.page.getByRole('alert').waitFor();
}

/** The table as text: each row's header and its cells' visible words. */
async function tableRows(app: AppPage): Promise<string[][]> {
  return app.page.locator('.sync-table tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => (cell.querySelector('.sync-word') ?? cell).textContent.trim())));
}

async function confirmWith(app: AppPage, form: string, button: RegExp | string): Promise<void> {
  const within = app.page.getByTestId(form);
  await within.getByLabel('Vault password').fill(E2E_PASSWORD);
  await within.getByRole('button', { name: button }).click();
}

/** Text with its no-break spaces (a key's kind and serial kept on one line) as plain ones. */
const spaced = (text: string | null) => (text ?? '').replace(/\u00a0/g, ' ');

/**
 * At 200 % text nothing in the panel reaches past its body's right edge (only the plan's table may be
 * wider, inside its own scrolling box): returns what does, as tag.class lists.
 */
async function clippedAt200(app: AppPage): Promise<string[]> {
  return app.page.evaluate(() => {
    document.documentElement.style.fontSize = '200%';
    const body = document.querySelector('.dialog-body');
    if (body === null) return ['no dialog'];
    const edge = body.getBoundingClientRect().right - parseFloat(getComputedStyle(body).paddingRight) + 1;
    const out = [...body.querySelectorAll('*')].filter((element) => element.closest('.sync-table-scroll') === null && element.getBoundingClientRect().right > edge);
    document.documentElement.style.fontSize = '';
    return out.map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
  });
}

/** One part of the stop report, as each key's accounts: its lines read "KEY (N): A, B". */
async function reportPart(app: AppPage, part: string): Promise<Record<string, string[]>> {
  const lines = await app.page.getByTestId(part).getByRole('listitem').allTextContents();
  return Object.fromEntries(
    lines.map((line) => {
      const match = /^(.+) \((\d+)\): (.+)$/.exec(spaced(line));
      if (match === null) throw new Error(`a report line out of shape: ${line}`);
      const names = (match[3] ?? '').split(', ');
      expect(names).toHaveLength(Number(match[2]));
      return [match[1] ?? '', names];
    }),
  );
}

/** Names on a key, as the key lists them. */
async function namesOn(app: AppPage, serial: number): Promise<string[]> {
  const { credentials } = await call<{ credentials: { name: string }[] }>(app, 'keys.credentials', { serial });
  return credentials.map((credential) => credential.name).sort();
}

/** Each account's code computed on the key, against the vault's code at the same moment (the service's clock). */
async function expectCodesMatch(app: AppPage, serial: number, names: readonly string[]): Promise<void> {
  const { accounts } = await call<{ accounts: { issuer: string; label: string; code: string | null }[] }>(app, 'accounts.list', {});
  for (const name of names) {
    const account = accounts.find((entry) => entry.issuer === name);
    if (account === undefined) throw new Error(`${name} is not in the vault`);
    const { matches } = await call<{ matches: { code: string | null }[] }>(app, 'keys.calculate', { serial, query: `${account.issuer}:${account.label}` });
    expect(matches.map((match) => match.code), `${name} on key ${String(serial)}`).toEqual([account.code]);
  }
}

/** Calls `onStep` with each step main starts while applying (op.progress "Adding …"), in order. */
function onApplySteps(app: AppPage, onStep: (step: { stage: string; key: string | undefined; index: number }) => void): void {
  let index = 0;
  app.service.onEvent((name, event) => {
    if (name !== 'op.progress') return;
    const payload = event as { stage: string; key?: string; needsTouch?: boolean };
    if (!payload.stage.startsWith('Adding ') || payload.needsTouch === true) return;
    onStep({ stage: payload.stage, key: payload.key, index: index++ });
  });
}

describe('the sync panel', () => {
  it('shows the plan as accounts × keys with each key’s room, applies it with the password, and the keys’ codes equal the vault’s', async () => {
    const app = await openSync(FOUR);
    expect(await app.page.getByTestId('sync-account-count').textContent()).toBe('All 4 accounts');
    await app.page.getByRole('button', { name: 'Pick one by one' }).click();
    expect(await clippedAt200(app)).toEqual([]);
    await showPlan(app);

    const header = await app.page.locator('.sync-table thead th').allTextContents();
    expect(header).toEqual(['Account', YUBIKEY, NITROKEY]);
    const rows = await tableRows(app);
    expect(rows.map((row) => row.slice(1))).toEqual(FOUR.map(() => ['Add', 'Add']));
    expect(rows.map((row) => row[0])).toEqual(FOUR.map((name, index) => `${name} user${String(index)}`));
    // Each cell says its reason to a screen reader and as its tooltip.
    const first = app.page.getByTestId('sync-cell').first();
    expect(await first.getAttribute('title')).toMatch(/^Add: /);
    expect(await first.locator('.sync-sr').textContent()).toMatch(/^: .+/);
    const rooms = await app.page.getByTestId('sync-room').allTextContents();
    expect(rooms[0]).toContain('4 of 32 used, 28 free');
    expect(rooms[1]).toMatch(/4 of 50 used, (at most )?46 free/);

    // Nothing was written by the plan.
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual([]);

    // A wrong password writes nothing and stays on the plan.
    const apply = app.page.getByTestId('sync-apply');
    await apply.getByLabel('Vault password').fill('not the password');
    await apply.getByRole('button', { name: 'Write 8 to the keys' }).click();
    await app.page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual([]);

    await confirmWith(app, 'sync-apply', 'Write 8 to the keys');
    const report = app.page.getByTestId('sync-report');
    await report.getByRole('heading', { name: 'Sync done' }).waitFor({ timeout: 15_000 });
    expect(await report.getByRole('status').textContent()).toBe('8 written and checked, each by its code on the key against the vault’s.');
    expect((await tableRows(app)).map((row) => row.slice(1))).toEqual(FOUR.map(() => ['Written', 'Written']));

    const names = FOUR.map((name, index) => `${name}:user${String(index)}`).sort();
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual(names);
    expect(await namesOn(app, SAMPLE_NITROKEY_SERIAL)).toEqual(names);
    await expectCodesMatch(app, SAMPLE_YUBIKEY_SERIAL, FOUR);
    await expectCodesMatch(app, SAMPLE_NITROKEY_SERIAL, FOUR);

    // Planned again, everything is the same, and nothing is offered to write.
    await report.getByRole('button', { name: 'Plan again' }).click();
    await app.page.getByTestId('sync-nothing').waitFor();
    expect((await tableRows(app)).map((row) => row.slice(1))).toEqual(FOUR.map(() => ['Same', 'Same']));
  });

  it('narrows the accounts by search and by unticking, and plans only those', async () => {
    const app = await openSync(FOUR);
    await app.page.getByLabel('Search accounts to sync').fill('a');
    // "a": Acme, Bravo, Charlie, Delta all have an a; "ar" leaves Charlie only (user names have no "ar").
    await app.page.getByLabel('Search accounts to sync').fill('ar');
    expect(await app.page.getByTestId('sync-account-count').textContent()).toBe('1 of 4 accounts');
    await app.page.getByLabel('Search accounts to sync').fill('');
    await app.page.getByRole('button', { name: 'Pick one by one' }).click();
    await app.page.getByRole('list', { name: 'Accounts to sync' }).getByLabel(/^Bravo/).uncheck();
    await app.page.getByLabel(YUBIKEY, { exact: true }).uncheck();
    expect(await app.page.getByTestId('sync-account-count').textContent()).toBe('3 of 4 accounts');
    await showPlan(app);
    expect(await app.page.locator('.sync-table thead th').allTextContents()).toEqual(['Account', NITROKEY]);
    expect((await tableRows(app)).map((row) => row[0])).toEqual(['Acme user0', 'Charlie user2', 'Delta user3']);
  });

  it('after a key is unplugged mid-apply, reports what was and wasn’t written, and Resume finishes once the key is back', async () => {
    const keys = sampleKeyHandles();
    const app = await openSync(FOUR, { keys });
    let unplugged = false;
    onApplySteps(app, (step) => {
      // The second account going onto the Nitrokey 3: it is pulled out as main starts writing it.
      if (!unplugged && step.key === String(SAMPLE_NITROKEY_SERIAL) && step.stage.startsWith('Adding Bravo')) {
        unplugged = true;
        keys.nitrokey.unplug();
      }
    });
    await showPlan(app);
    await confirmWith(app, 'sync-apply', 'Write 8 to the keys');

    const report = app.page.getByTestId('sync-report');
    await report.getByRole('heading', { name: 'Sync stopped' }).waitFor({ timeout: 15_000 });
    expect(unplugged).toBe(true);
    expect(await report.getByRole('alert').textContent()).toBe('A key was unplugged while Latchkey was writing to it.');
    const written = await reportPart(app, 'sync-written');
    const notWritten = await reportPart(app, 'sync-not-written');
    const cutShort = await reportPart(app, 'sync-cut-short');
    expect(cutShort).toEqual({ [NITROKEY]: ['Bravo (user1)'] });
    expect(written[NITROKEY]).toEqual(['Acme (user0)']);
    expect(notWritten[NITROKEY]).toEqual(['Charlie (user2)', 'Delta (user3)']);
    expect([written, notWritten, cutShort].flatMap((part) => Object.values(part).flat())).toHaveLength(8);
    expect(await clippedAt200(app)).toEqual([]);
    // The window regains focus while the key is out: the page reads the keys again and finds it gone.
    // Resume must still ask for it (the plan's keys), not for the keys listed at that moment.
    await app.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect.poll(() => app.pending()).toBe(0);
    expect(await app.page.locator('.sync-table thead th').allTextContents()).toEqual(['Account', YUBIKEY, NITROKEY]);
    // What the report says was written is on the key.
    keys.nitrokey.plugIn();
    expect(await namesOn(app, SAMPLE_NITROKEY_SERIAL)).toEqual(expect.arrayContaining(['Acme:user0']));
    expect(await namesOn(app, SAMPLE_NITROKEY_SERIAL)).not.toContain('Delta:user3');

    await confirmWith(app, 'sync-resume', 'Resume');
    await report.getByRole('heading', { name: 'Sync done' }).waitFor({ timeout: 15_000 });
    const names = FOUR.map((name, index) => `${name}:user${String(index)}`).sort();
    // Each once: nothing was put twice.
    expect(await namesOn(app, SAMPLE_NITROKEY_SERIAL)).toEqual(names);
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual(names);
    await expectCodesMatch(app, SAMPLE_NITROKEY_SERIAL, FOUR);
  });

  it('cancels between credentials: the report says what was written, and Resume writes the rest', async () => {
    const keys = sampleKeyHandles();
    // The keys' answers are held from the third step on, until the cancel reaches them, so the click lands mid-apply.
    const held = holdableDevices(keys.devices);
    const app = await openSync(FOUR, { keys, devices: held.devices });
    onApplySteps(app, (step) => {
      if (step.index === 2) held.hold();
    });
    await showPlan(app);
    await confirmWith(app, 'sync-apply', 'Write 8 to the keys');
    const progress = app.page.getByTestId('sync-progress');
    await progress.waitFor();
    await expect.poll(() => held.waiting(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await progress.getByRole('list', { name: 'Written on each key' }).textContent()).toContain('written');
    expect(await clippedAt200(app)).toEqual([]);
    await progress.getByRole('button', { name: 'Cancel' }).click();

    const report = app.page.getByTestId('sync-report');
    await report.getByRole('heading', { name: 'Sync stopped' }).waitFor({ timeout: 15_000 });
    held.release();
    expect(await report.getByRole('alert').textContent()).toBe('You cancelled the sync.');
    const count = (part: Record<string, string[]>) => Object.values(part).flat().length;
    expect(count(await reportPart(app, 'sync-written'))).toBe(2);
    expect(count(await reportPart(app, 'sync-not-written'))).toBe(5);

    await confirmWith(app, 'sync-resume', 'Resume');
    await report.getByRole('heading', { name: 'Sync done' }).waitFor({ timeout: 15_000 });
    const names = FOUR.map((name, index) => `${name}:user${String(index)}`).sort();
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual(names);
    expect(await namesOn(app, SAMPLE_NITROKEY_SERIAL)).toEqual(names);
  });

  it('proposes a spread when the accounts don’t fit, and the spread plan fits; the table scrolls in its own box at 200 % text', async () => {
    const many = Array.from({ length: 40 }, (_, index) => `Service ${String(index + 1).padStart(2, '0')}`);
    const app = await openSync(many);
    await showPlan(app);
    const proposal = app.page.getByTestId('sync-spread');
    await proposal.waitFor();
    expect(await app.page.getByTestId('sync-room').first().textContent()).toContain('40 of 32: 8 too many');
    // Nothing can be written while it does not fit.
    expect(await app.page.getByTestId('sync-apply').count()).toBe(0);
    expect(await clippedAt200(app)).toEqual([]);
    await proposal.getByLabel('Each account on').selectOption('1');
    await proposal.getByRole('button', { name: 'Plan with the spread' }).click();
    await app.page.getByText('Spread: each account on one key').waitFor();
    const rooms = await app.page.getByTestId('sync-room').allTextContents();
    expect(rooms[0]).toContain('32 of 32 used, 0 free');
    expect(rooms[1]).toContain('8 of 50 used');
    await app.page.getByRole('button', { name: 'Write 40 to the keys' }).waitFor();

    expect(await clippedAt200(app)).toEqual([]);
    // 200 % text: the table scrolls sideways within its own box; the dialog itself never scrolls sideways.
    await app.page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const widths = await app.page.evaluate(() => {
      const box = document.querySelector('.sync-table-scroll');
      const body = document.querySelector('.dialog-body');
      return { box: box === null ? null : { scroll: box.scrollWidth, client: box.clientWidth }, body: body === null ? null : { scroll: body.scrollWidth, client: body.clientWidth } };
    });
    expect(widths.body?.scroll).toBeLessThanOrEqual(widths.body?.client ?? 0);
    expect(widths.box?.scroll).toBeGreaterThan(widths.box?.client ?? Infinity);
  });

  it('puts a counter-based account into a YubiKey’s OTP slots when those are ticked (a time-based one can’t go there)', async () => {
    const app = await openSync(['Acme']);
    await call(app, 'accounts.add', { uri: 'otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQ&counter=32&issuer=Bank' });
    const slots = `${YUBIKEY} OTP slots`;
    // Not ticked unless asked: two slots, HOTP only.
    expect(await app.page.getByLabel(slots).isChecked()).toBe(false);
    await app.page.getByLabel(slots).check();
    await app.page.getByLabel(YUBIKEY, { exact: true }).uncheck();
    await app.page.getByLabel(NITROKEY).uncheck();
    await showPlan(app);
    expect(await app.page.locator('.sync-table thead th').allTextContents()).toEqual(['Account', slots]);
    const rows = await tableRows(app);
    expect(rows.filter((row) => row[0]?.startsWith('Acme') === true || row[0]?.startsWith('Bank') === true)).toEqual([
      ['Acme user0', 'Can’t'],
      ['Bank me', 'Add'],
    ]);
    expect(await app.page.getByTestId('sync-room').first().textContent()).toContain(' of 2 used');

    await confirmWith(app, 'sync-apply', 'Write 1 to the keys');
    await app.page.getByTestId('sync-report').getByRole('heading', { name: 'Sync done' }).waitFor({ timeout: 15_000 });
    const { accounts } = await call<{ accounts: { id: string; issuer: string }[] }>(app, 'accounts.list', {});
    const bank = accounts.find((account) => account.issuer === 'Bank');
    const status = await call<{ slots: { slot: number; written?: { accountId?: string; kind: string } }[] }>(app, 'keys.status', { serial: SAMPLE_YUBIKEY_SERIAL });
    expect(status.slots.filter((slot) => slot.written?.accountId === bank?.id).map((slot) => slot.written?.kind)).toEqual(['hotp']);

    // Its details name the slots among the keys holding it.
    await app.page.reload();
    await app.page.getByRole('button', { name: 'Details for Bank me' }).click();
    await expect.poll(async () => spaced(await app.page.getByTestId('on-keys').textContent())).toBe(`On keys: ${slots}`);
  });

  it('says a YubiKey locked by its access password is to be opened first, and plans once it is open', async () => {
    const app = await openSync(FOUR, {
      before: async (opened) => {
        await call(opened, 'keys.password', { serial: SAMPLE_YUBIKEY_SERIAL, action: 'set', newPassword: 'key access password' });
        // Set here, the password is remembered while the vault is unlocked: a lock forgets it.
        await call(opened, 'vault.lock', {});
        await call(opened, 'vault.unlock', { password: E2E_PASSWORD });
      },
    });
    await showPlanRefused(app);
    expect(await app.page.getByRole('alert').textContent()).toBe('A key is locked by its access password. Open it in Security keys first; it then stays open while the vault is unlocked.');
    // Opened as the keys panel opens it: main keeps it open, and the plan goes through.
    await call(app, 'keys.credentials', { serial: SAMPLE_YUBIKEY_SERIAL, auth: { password: 'key access password' } });
    await showPlan(app);
    expect((await tableRows(app)).map((row) => row.slice(1))).toEqual(FOUR.map(() => ['Add', 'Add']));
  });

  it('proposes a rename after an account is renamed in the vault, and applies it only once ticked', async () => {
    const app = await openSync(FOUR, {
      before: async (opened) => {
        const { accounts } = await call<{ accounts: { id: string; issuer: string }[] }>(opened, 'accounts.list', {});
        await call(opened, 'keys.syncApply', { keys: [SAMPLE_YUBIKEY_SERIAL], accountIds: accounts.map((account) => account.id), vaultPassword: E2E_PASSWORD });
        const bravo = accounts.find((account) => account.issuer === 'Bravo');
        await call(opened, 'accounts.update', { id: bravo?.id, patch: { label: 'renamed' } });
      },
    });
    await app.page.getByLabel(NITROKEY).uncheck();
    await showPlan(app);
    const rows = await tableRows(app);
    expect(rows.find((row) => row[0] === 'Bravo renamed')?.[1]).toBe('Rename');
    expect(await app.page.locator('.sync-cell.rename').textContent()).toContain('(if ticked)');
    // Not ticked: nothing to write.
    await app.page.getByTestId('sync-nothing').waitFor();
    await app.page.getByRole('group', { name: 'Also do, only if you tick it' }).getByLabel(`Rename Bravo (renamed) on ${YUBIKEY}`).check();
    await confirmWith(app, 'sync-apply', 'Write 1 to the keys');
    await app.page.getByTestId('sync-report').getByRole('heading', { name: 'Sync done' }).waitFor({ timeout: 15_000 });
    expect(await namesOn(app, SAMPLE_YUBIKEY_SERIAL)).toEqual(['Acme:user0', 'Bravo:renamed', 'Charlie:user2', 'Delta:user3']);
  });

  it('shows on an account’s details the keys that hold it, and drift when its copy went missing from a key', async () => {
    const app = await openUnlockedApp(browser, { keys: { devices: sampleKeyHandles().devices } });
    await addAccounts(app, FOUR);
    const { accounts } = await call<{ accounts: { id: string; issuer: string }[] }>(app, 'accounts.list', {});
    await call(app, 'keys.syncApply', { keys: [SAMPLE_YUBIKEY_SERIAL, SAMPLE_NITROKEY_SERIAL], accountIds: accounts.map((account) => account.id), vaultPassword: E2E_PASSWORD });
    // Charlie deleted from the Nitrokey 3 outside a sync (as another app would).
    await call(app, 'keys.deleteCredential', { serial: SAMPLE_NITROKEY_SERIAL, name: 'Charlie:user2' });
    await app.page.reload();
    await app.page.getByLabel('Search accounts').waitFor();

    await app.page.getByRole('button', { name: 'Details for Acme user0' }).click();
    const acme = app.page.getByTestId('key-inventory');
    await expect.poll(async () => spaced(await acme.getByTestId('on-keys').textContent())).toBe(`On keys: ${YUBIKEY}, ${NITROKEY}`);
    expect(await acme.getByTestId('key-drift').count()).toBe(0);
    await app.page.getByRole('button', { name: 'Close' }).click();

    await app.page.getByRole('button', { name: 'Details for Charlie user2' }).click();
    const charlie = app.page.getByTestId('key-inventory');
    await expect.poll(async () => spaced(await charlie.getByTestId('key-drift').textContent())).toContain(`${NITROKEY}: Charlie:user2 missing from the key (removed outside Latchkey)`);
    // The inventory still names the key Latchkey wrote it to; the drift says the copy is gone.
    expect(spaced(await charlie.getByTestId('on-keys').textContent())).toBe(`On keys: ${YUBIKEY}, ${NITROKEY}`);
  });

  it('without pcscd the details still name the keys holding an account, and say they were not checked because the PC/SC service is not running', async () => {
    const keys = sampleKeyHandles();
    let pcscDown = false;
    // The sample keys, until PC/SC goes away as a stopped pcscd does: every OATH listing refused with its fix.
    const devices: Devices = { ...keys.devices, oathKeys: () => (pcscDown ? Promise.reject(pcscServiceUnavailable('linux')) : keys.devices.oathKeys()) };
    for (const colorScheme of ['light', 'dark'] as const) {
      pcscDown = false;
      const app = await openUnlockedApp(browser, { keys: { devices }, viewport: { width: 440, height: 760 }, colorScheme });
      await addAccounts(app, ['Acme']);
      const { accounts } = await call<{ accounts: { id: string }[] }>(app, 'accounts.list', {});
      await call(app, 'keys.syncApply', { keys: [SAMPLE_YUBIKEY_SERIAL, SAMPLE_NITROKEY_SERIAL], accountIds: accounts.map((account) => account.id), vaultPassword: E2E_PASSWORD });
      pcscDown = true;
      await app.page.reload();
      await app.page.getByLabel('Search accounts').waitFor();
      await app.page.getByRole('button', { name: 'Details for Acme user0' }).click();
      const acme = app.page.getByTestId('key-inventory');
      await expect.poll(async () => spaced(await acme.getByTestId('on-keys').textContent())).toBe(`On keys: ${YUBIKEY}, ${NITROKEY}`);
      const said = spaced(await acme.getByTestId('keys-unavailable').textContent());
      expect(said).toMatch(new RegExp(`^Not checked: ${YUBIKEY}, ${NITROKEY}, because smart card keys can't be reached: the PC/SC service pcscd is not running: start it with \`sudo systemctl start pcscd\\.socket\``));
      expect(await acme.getByText('Not plugged in now').count()).toBe(0);
      for (const scale of ['100%', '200%']) {
        await app.page.evaluate((size) => {
          document.documentElement.style.fontSize = size;
        }, scale);
        await acme.scrollIntoViewIfNeeded();
        // Nothing of the section reaches past the window's right edge.
        const overflow = await acme.evaluate((section) => [...section.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > window.innerWidth).length);
        expect(overflow, `${colorScheme} ${scale}`).toBe(0);
        if (process.env['LATCHKEY_SHOTS'] !== undefined) await app.page.screenshot({ path: join(process.env['LATCHKEY_SHOTS'], `inventory-no-pcscd-${colorScheme}-${scale.replace('%', '')}.png`) });
      }
      await app.page.close();
    }
  });
});
