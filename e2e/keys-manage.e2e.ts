import { createHmac } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath } from '../main/keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../main/keys/emulators/yubikey-oath/pcsc.js';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import type { HidBackend } from '../main/keys/hid/hid-device.js';
import { createDevices } from '../main/service/devices.js';
import { E2E_PASSWORD, launchChromium, openUnlockedApp, type AppPage } from './harness.js';

/**
 * The keys panel's writes (issue 18, item 1): a YubiKey's OTP slots programmed (a vault HOTP account
 * behind the vault password again; challenge-response with a key shown once), and its OATH accounts
 * added from the vault, renamed, deleted, reset and locked by an access password, each checked on the
 * emulated key behind the real transports, with the failures a user meets said as such.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const SECRET = 'JBSWY3DPEHPK3PXP';
const NO_HID: HidBackend = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no HID keys')) };
const INS_LIST = 0xa1;

async function call(app: AppPage, channel: string, payload: unknown): Promise<unknown> {
  const reply = await app.service.dispatch(channel, payload);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

async function addAccount(app: AppPage, uri: string): Promise<string> {
  const { account } = (await call(app, 'accounts.add', { uri })) as { account: { id: string } };
  return account.id;
}

async function openKeysPanel(app: AppPage): Promise<Locator> {
  await app.page.getByRole('button', { name: 'Settings' }).click();
  await app.page.getByRole('button', { name: 'Security keys…' }).click();
  await app.page.getByRole('heading', { name: 'Security keys' }).waitFor();
  return app.page.getByRole('list', { name: 'Keys found' }).getByRole('listitem', { name: /^YubiKey/ }).first();
}

/**
 * A YubiKey whose next write can be cut short: armed, the connection that sends a second frame (a
 * program sends the serial request, then the slot's configuration) is pulled out at its fourth report,
 * in the middle of the configuration, as a key unplugged while it is written.
 */
function otpKey(): { backend: HidBackend; key: EmulatedYubiKeyOtpBackend; unplugNextWrite: () => void } {
  const key = createEmulatedYubiKeyOtpBackend();
  let armed = false;
  return {
    key,
    unplugNextWrite: () => {
      armed = true;
    },
    backend: {
      devices: () => key.devices(),
      open: async (descriptor) => {
        const opened = await key.open(descriptor);
        const device = key.current;
        if (!armed || device === null) return opened;
        let frames = 0;
        let reportsInFrame = 0;
        const send = device.sendFeatureReport.bind(device);
        device.sendFeatureReport = (report) => {
          const flag = report[report.length - 1] ?? 0;
          if (flag === 0x80) frames++; // a frame's first report: the write flag with sequence 0
          reportsInFrame = flag === 0x80 ? 1 : reportsInFrame + 1;
          if (armed && frames === 2 && reportsInFrame === 4) {
            armed = false;
            device.unplug();
          }
          return send(report);
        };
        return device;
      },
    },
  };
}

/** A YubiKey OATH card alone (no OTP interface), on the emulated PC/SC service. */
function oathKey(options: { firmware?: readonly [number, number, number]; hangNextPut?: boolean } = {}) {
  let hangAfterList = false;
  const card: EmulatedYubiKeyOath = openEmulatedYubiKeyOath({
    serial: 5_550_123,
    ...(options.firmware === undefined ? {} : { firmware: options.firmware }),
    onApdu: (command) => {
      // Armed: the PUT after the next LIST never answers, as a key pulled out while it writes.
      if (hangAfterList && command[1] === INS_LIST) {
        hangAfterList = false;
        card.injectFault({ kind: 'never-answer' });
      }
    },
  });
  const devices = createDevices({ backend: NO_HID, pcsc: createEmulatedPcscBackend([card]) });
  return {
    card,
    devices,
    hangNextPut: () => {
      hangAfterList = true;
    },
  };
}

const slotRow = (card: Locator, slot: 1 | 2) => card.getByRole('region', { name: 'OTP slots' }).getByRole('listitem', { name: `Slot ${String(slot)}` });
const slotState = (card: Locator, slot: 1 | 2) => slotRow(card, slot).getByTestId('slot-state').textContent();

describe('the keys panel: OTP slots', () => {
  it('programs a slot with a vault HOTP account behind the vault password: the key then types the vault’s codes', async () => {
    const otp = otpKey();
    const app = await openUnlockedApp(browser, { keys: { devices: createDevices({ backend: otp.backend }) } });
    await addAccount(app, `otpauth://hotp/Bank:carol?secret=${SECRET}&issuer=Bank&counter=0`);
    const card = await openKeysPanel(app);
    await expect.poll(() => slotState(card, 2)).toBe('empty');

    await slotRow(card, 2).getByRole('button', { name: 'Program…' }).click();
    const form = card.getByRole('form', { name: 'Program slot 2' });
    expect(await form.getByRole('combobox').inputValue()).not.toBe('');
    // A wrong vault password is said, and the slot stays empty.
    await form.getByLabel('Vault password').fill('not the vault password');
    await form.getByRole('button', { name: 'Program slot 2' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Wrong password');
    expect(await slotState(card, 2)).toBe('empty');
    expect(await form.getByLabel('Vault password').inputValue()).toBe('');

    await form.getByLabel('Vault password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Program slot 2' }).click();
    await expect.poll(() => card.getByTestId('slot-programmed').textContent()).toContain('Slot 2 now types the codes of Bank carol on a long press, from counter 0');
    await expect.poll(() => slotState(card, 2)).toBe('HOTP for Bank carol, touch');

    // The key's long press types the code the vault makes for the same counter.
    const typed = [otp.key.current?.typeOtp(2), otp.key.current?.typeOtp(2)];
    expect(typed[0]).toMatch(/^\d{6}$/);
    await app.page.getByRole('button', { name: 'Close' }).click();
    const getCode = app.page.getByRole('button', { name: 'Make and copy the next code for Bank carol' });
    for (const code of typed) {
      await getCode.click();
      await expect.poll(() => getCode.textContent()).toBe(`${code?.slice(0, 3) ?? ''} ${code?.slice(3) ?? ''}`);
    }
  });

  it('challenge-response: the generated key is shown once (it answers challenges as HMAC-SHA1 with it), then gone; replacing a slot asks first', async () => {
    const otp = otpKey();
    const app = await openUnlockedApp(browser, { keys: { devices: createDevices({ backend: otp.backend }) } });
    const card = await openKeysPanel(app);
    await expect.poll(() => slotState(card, 2)).toBe('empty');

    await slotRow(card, 2).getByRole('button', { name: 'Program…' }).click();
    const form = card.getByRole('form', { name: 'Program slot 2' });
    await form.getByLabel('answer challenges (HMAC-SHA1) with a new random key').check();
    await form.getByRole('button', { name: 'Program slot 2' }).click();
    const shown = card.getByTestId('generated-key');
    const keyHex = (await shown.textContent())?.replace(/\s/g, '') ?? '';
    expect(keyHex).toMatch(/^[0-9a-f]{40}$/);
    expect(await card.getByRole('group', { name: 'The new challenge-response key' }).textContent()).toContain('It won’t be shown again.');

    // The key answers a challenge with HMAC-SHA1 under exactly the key shown.
    const challenge = '0123456789abcdef';
    const { responseHex } = (await call(app, 'keys.challenge', { slot: 2, challengeHex: challenge })) as { responseHex: string };
    expect(responseHex).toBe(createHmac('sha1', Buffer.from(keyHex, 'hex')).update(Buffer.from(challenge, 'hex')).digest('hex'));

    // Put away, it is nowhere in the page; programming the slot again says what would be lost, and no key.
    await card.getByRole('button', { name: 'I have kept it' }).click();
    await expect.poll(() => slotState(card, 2)).toBe('challenge-response');
    expect(await app.page.content()).not.toContain(keyHex);
    expect(await app.page.content()).not.toContain(keyHex.slice(0, 8));
    await slotRow(card, 2).getByRole('button', { name: 'Program…' }).click();
    await form.getByLabel('answer challenges (HMAC-SHA1) with a new random key').check();
    const warning = form.getByTestId('slot-overwrite-warning');
    expect(await warning.textContent()).toContain('It holds a challenge-response key');
    const replace = form.getByRole('button', { name: 'Replace slot 2' });
    expect(await replace.isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Slot 1 holds the factory credential: said so; replaced only once ticked and the vault password typed again, with the touch option.
    await slotRow(card, 1).getByRole('button', { name: 'Program…' }).click();
    const form1 = card.getByRole('form', { name: 'Program slot 1' });
    await form1.getByLabel('answer challenges (HMAC-SHA1) with a new random key').check();
    await form1.getByLabel('Answer only after a touch').check();
    expect(await form1.getByTestId('slot-overwrite-warning').textContent()).toContain('Yubico’s factory OTP credential');
    await form1.getByLabel('Replace what slot 1 holds').check();
    expect(await form1.getByRole('button', { name: 'Replace slot 1' }).isDisabled()).toBe(true);
    // A wrong vault password writes nothing: the key's programming sequence and the slot are as they were.
    const slot1Before = await slotState(card, 1);
    const pgmSeqBefore = ((await call(app, 'keys.status', { includeRecord: false })) as { pgmSeq: number }).pgmSeq;
    await form1.getByLabel('Vault password').fill('not the vault password');
    await form1.getByRole('button', { name: 'Replace slot 1' }).click();
    await expect.poll(() => form1.getByRole('alert').textContent()).toContain('Wrong password');
    expect(((await call(app, 'keys.status', { includeRecord: false })) as { pgmSeq: number }).pgmSeq).toBe(pgmSeqBefore);
    expect(await slotState(card, 1)).toBe(slot1Before);
    expect(await card.getByTestId('generated-key').count()).toBe(0);
    await form1.getByLabel('Vault password').fill(E2E_PASSWORD);
    await form1.getByRole('button', { name: 'Replace slot 1' }).click();
    await card.getByTestId('generated-key').waitFor();
    await card.getByRole('button', { name: 'I have kept it' }).click();
    await expect.poll(() => slotState(card, 1)).toBe('challenge-response, touch');
  });

  it('a write the key refuses, and a key unplugged in the middle of the write, are said as such', async () => {
    const otp = otpKey();
    const app = await openUnlockedApp(browser, { keys: { devices: createDevices({ backend: otp.backend }) } });
    // Slot 2 protected by an access code (the CLI can set one): a write without it is refused by the key.
    await call(app, 'keys.program', { slot: 2, credential: { kind: 'challenge-response' }, newAccessCode: '010203040506' });
    const card = await openKeysPanel(app);
    await expect.poll(() => slotState(card, 2)).toBe('challenge-response');

    await slotRow(card, 2).getByRole('button', { name: 'Program…' }).click();
    const form = card.getByRole('form', { name: 'Program slot 2' });
    await form.getByLabel('answer challenges (HMAC-SHA1) with a new random key').check();
    await form.getByLabel('Replace what slot 2 holds').check();
    await form.getByLabel('Vault password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Replace slot 2' }).click();
    const alert = form.getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('KEY_WRITE_REJECTED');
    expect(await alert.textContent()).toContain('The key refused the write.');
    expect(await alert.textContent()).toContain('access code');
    expect(await card.getByTestId('generated-key').count()).toBe(0);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Slot 1, its configuration half sent when the key goes: said, and nothing recorded.
    const slot1Before = await slotState(card, 1);
    await slotRow(card, 1).getByRole('button', { name: 'Program…' }).click();
    const form1 = card.getByRole('form', { name: 'Program slot 1' });
    await form1.getByLabel('answer challenges (HMAC-SHA1) with a new random key').check();
    await form1.getByLabel('Replace what slot 1 holds').check();
    await form1.getByLabel('Vault password').fill(E2E_PASSWORD);
    otp.unplugNextWrite();
    await form1.getByRole('button', { name: 'Replace slot 1' }).click();
    const unplugged = form1.getByRole('alert');
    await expect.poll(() => unplugged.getAttribute('data-code')).toBe('KEY_UNPLUGGED');
    expect(await unplugged.textContent()).toContain('The key was unplugged during the write');
    expect(await card.getByTestId('generated-key').count()).toBe(0);
    await expect.poll(() => slotState(card, 1)).toBe(slot1Before);
  });
});

describe('the keys panel: OATH accounts', () => {
  /** The accounts on the key as the panel lists them. */
  const onKeyNames = (card: Locator) => card.getByRole('list', { name: 'Accounts on this key' }).getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
  const vaultCode = async (app: AppPage, name: string) =>
    (await app.page.getByRole('button', { name: `Details for ${name}` }).locator('xpath=ancestor::*[contains(@class,"account")][1]').locator('.code').textContent())?.replace(/\D/g, '');

  async function addFromVault(card: Locator, names: readonly string[], password: string) {
    const form = card.getByRole('form', { name: 'Add accounts to the key' });
    if ((await form.count()) === 0) await card.getByRole('button', { name: 'Add from the vault…' }).click();
    for (const name of names) await form.getByRole('list', { name: 'Vault accounts' }).getByRole('listitem').filter({ hasText: name }).getByRole('checkbox').check();
    await form.getByLabel('Vault password').fill(password);
    await form.getByRole('button', { name: /^Add \d+ to the key$/ }).click();
    return form;
  }

  it('adds vault accounts to the key behind the vault password: the key’s code is the vault’s; a name on the key already is replaced only once ticked', async () => {
    const key = oathKey();
    const app = await openUnlockedApp(browser, { keys: { devices: key.devices } });
    await addAccount(app, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    const card = await openKeysPanel(app);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');

    await addFromVault(card, ['ACME'], E2E_PASSWORD);
    await expect.poll(() => card.getByTestId('put-done').textContent()).toBe('On the key now: ACME alice. The key’s codes match the vault’s.');
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('1 of 32 used, 31 free');

    const row = card.getByRole('list', { name: 'Accounts on this key' }).getByRole('listitem', { name: 'ACME alice' });
    await row.getByRole('button', { name: 'Show code' }).click();
    expect(await row.getByTestId('on-key-code').textContent()).toBe(await vaultCode(app, 'ACME alice'));

    // Again: the key holds that name. Main says so, nothing is written until "replace" is ticked.
    await card.getByRole('button', { name: 'Done' }).click();
    await addFromVault(card, ['ACME'], E2E_PASSWORD);
    const clash = card.getByTestId('put-clash');
    await expect.poll(() => clash.textContent()).toContain('"ACME:alice"');
    const add = card.getByRole('button', { name: 'Add 1 to the key' });
    expect(await add.isDisabled()).toBe(true);
    await clash.getByLabel('Replace what the key holds under those names').check();
    // Replaced as a touch account this time: the key then asks for a touch before its code.
    expect(key.card.snapshot().credentials[0]?.touch).toBe(false);
    await card.getByLabel('The key makes their codes only after a touch').check();
    await card.getByLabel('Vault password').fill(E2E_PASSWORD);
    await add.click();
    await expect.poll(() => card.getByTestId('put-done').textContent()).toBe('On the key now: ACME alice. Touch and HOTP accounts are not checked (that would need a touch, or use up a code).');
    expect(await card.getByTestId('key-room').textContent()).toBe('1 of 32 used, 31 free');
    expect(key.card.snapshot().credentials.map((credential) => credential.touch)).toEqual([true]);
  });

  it('renames an account on the key, deletes one after asking, and says when the firmware can’t rename', async () => {
    const key = oathKey();
    const app = await openUnlockedApp(browser, { keys: { devices: key.devices } });
    await addAccount(app, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    await addAccount(app, 'otpauth://totp/Bank:bob?secret=KRSXG5CTMVRXEZLU&issuer=Bank');
    const { accounts } = (await call(app, 'accounts.list', {})) as { accounts: { id: string }[] };
    await call(app, 'keys.put', { accountIds: accounts.map((account) => account.id), vaultPassword: E2E_PASSWORD });
    const card = await openKeysPanel(app);
    await expect.poll(() => onKeyNames(card)).toEqual(['ACME alice', 'Bank bob']);
    expect(await card.getByTestId('rename-unsupported').count()).toBe(0);

    const acme = card.getByRole('listitem', { name: 'ACME alice' });
    await acme.getByRole('button', { name: 'Rename…' }).click();
    const rename = card.getByRole('form', { name: 'Rename ACME alice' });
    // Onto a name the key holds: main refuses before anything is sent.
    await rename.getByLabel('Service').fill('Bank');
    await rename.getByLabel('Account').fill('bob');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => rename.locator('xpath=..').getByRole('alert').textContent()).toContain('The key already holds "Bank:bob"; nothing was renamed.');
    await rename.getByLabel('Service').fill('ACME Corp');
    await rename.getByLabel('Account').fill('alice@work');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => onKeyNames(card)).toEqual(['ACME Corp alice@work', 'Bank bob']);
    const names = ((await call(app, 'keys.credentials', {})) as { credentials: { name: string }[] }).credentials.map((credential) => credential.name);
    expect(names.sort()).toEqual(['ACME Corp:alice@work', 'Bank:bob']);

    // Delete asks; keeping changes nothing; confirmed with the vault password, the key no longer holds it (the vault still does).
    const bank = card.getByRole('listitem', { name: 'Bank bob' });
    await bank.getByRole('button', { name: 'Delete…' }).click();
    const confirm = card.getByRole('alertdialog', { name: 'Delete Bank bob from the key' });
    expect(await confirm.textContent()).toContain('the vault’s account, if it has one, stays');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect(await onKeyNames(card)).toEqual(['ACME Corp alice@work', 'Bank bob']);
    await bank.getByRole('button', { name: 'Delete…' }).click();
    expect(await confirm.getByRole('button', { name: 'Delete from the key' }).isDisabled()).toBe(true);
    // A wrong vault password deletes nothing.
    await confirm.getByLabel('Vault password').fill('not the vault password');
    await confirm.getByRole('button', { name: 'Delete from the key' }).click();
    await expect.poll(() => confirm.locator('xpath=..').getByRole('alert').textContent()).toContain('Wrong password');
    expect(key.card.snapshot().credentials.length).toBe(2);
    await confirm.getByLabel('Vault password').fill(E2E_PASSWORD);
    await confirm.getByRole('button', { name: 'Delete from the key' }).click();
    await expect.poll(() => onKeyNames(card)).toEqual(['ACME Corp alice@work']);
    expect(key.card.snapshot().credentials.length).toBe(1);
    expect(((await call(app, 'accounts.list', {})) as { accounts: unknown[] }).accounts).toHaveLength(2);

    // A YubiKey before 5.3.1 has no RENAME: the panel says so and offers none.
    const old = oathKey({ firmware: [5, 2, 4] });
    const oldApp = await openUnlockedApp(browser, { keys: { devices: old.devices } });
    await addAccount(oldApp, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    const oldIds = ((await call(oldApp, 'accounts.list', {})) as { accounts: { id: string }[] }).accounts.map((account) => account.id);
    await call(oldApp, 'keys.put', { accountIds: oldIds, vaultPassword: E2E_PASSWORD });
    const oldCard = await openKeysPanel(oldApp);
    await expect.poll(() => oldCard.getByTestId('rename-unsupported').textContent()).toContain('firmware (5.2.4) can’t rename');
    expect(await oldCard.getByRole('button', { name: 'Rename…' }).count()).toBe(0);
    expect(await oldCard.getByRole('button', { name: 'Delete…' }).count()).toBe(1);
  });

  it('resets the OATH application after saying how many accounts go', async () => {
    const key = oathKey();
    const app = await openUnlockedApp(browser, { keys: { devices: key.devices } });
    await addAccount(app, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    await addAccount(app, 'otpauth://totp/Bank:bob?secret=KRSXG5CTMVRXEZLU&issuer=Bank');
    const { accounts } = (await call(app, 'accounts.list', {})) as { accounts: { id: string }[] };
    await call(app, 'keys.put', { accountIds: accounts.map((account) => account.id), vaultPassword: E2E_PASSWORD });
    const card = await openKeysPanel(app);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('2 of 32 used, 30 free');

    await card.getByRole('button', { name: 'Reset…' }).click();
    const confirm = card.getByRole('alertdialog', { name: 'Reset the key’s OATH application' });
    expect(await confirm.textContent()).toContain('Erase the 2 accounts on this key (ACME alice, Bank bob) and its access password?');
    expect(await confirm.textContent()).toContain('an account kept only on this key is gone for good');
    await confirm.getByRole('button', { name: 'Keep as it is' }).click();
    expect(key.card.snapshot().credentials.length).toBe(2);

    await card.getByRole('button', { name: 'Reset…' }).click();
    // A wrong vault password resets nothing.
    await confirm.getByLabel('Vault password').fill('not the vault password');
    await confirm.getByRole('button', { name: 'Erase 2 accounts' }).click();
    await expect.poll(() => confirm.getByRole('alert').textContent()).toContain('Wrong password');
    expect(key.card.snapshot().credentials.length).toBe(2);
    await confirm.getByLabel('Vault password').fill(E2E_PASSWORD);
    await confirm.getByRole('button', { name: 'Erase 2 accounts' }).click();
    await expect.poll(() => card.getByTestId('reset-done').textContent()).toBe('The key was reset: 2 accounts erased, and no access password.');
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');
    expect(key.card.snapshot().credentials).toEqual([]);
  });

  it('sets an access password, which is then needed; a wrong current one changes nothing; removed, the key opens without', async () => {
    const key = oathKey();
    const app = await openUnlockedApp(browser, { keys: { devices: key.devices } });
    let card = await openKeysPanel(app);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');

    await card.getByRole('button', { name: 'Access password…' }).click();
    let form = card.getByRole('form', { name: 'Access password' });
    expect(await form.textContent()).toContain('The key has no access password');
    await form.getByLabel('New access password', { exact: true }).fill('key pass 1');
    await form.getByLabel('The new one again').fill('key pass 2');
    await form.getByRole('button', { name: 'Set the password' }).click();
    expect(await form.getByRole('alert').textContent()).toContain('The two new passwords differ');
    await form.getByLabel('New access password', { exact: true }).fill('key pass 1');
    await form.getByLabel('The new one again').fill('key pass 1');
    await form.getByRole('button', { name: 'Set the password' }).click();
    await expect.poll(() => card.getByTestId('password-done').textContent()).toContain('The access password is set');
    expect(key.card.snapshot().access).not.toBeNull();

    // Needed from now on: once the vault locks, main forgets the key's access key, and the panel asks.
    await call(app, 'vault.lock', {});
    await call(app, 'vault.unlock', { password: E2E_PASSWORD });
    await app.page.reload();
    await app.page.getByLabel('Search accounts').waitFor();
    card = await openKeysPanel(app);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('locked by its access password');
    // Locked, the key offers only its reset (which needs no password), saying it can't count what goes.
    expect(await card.getByRole('button', { name: 'Add from the vault…' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Reset…' }).click();
    expect(await card.getByRole('alertdialog', { name: 'Reset the key’s OATH application' }).textContent()).toContain('it is locked, so they can’t be counted here');
    await card.getByRole('button', { name: 'Keep as it is' }).click();
    await card.getByLabel('The key’s access password').fill('key pass 1');
    await card.getByRole('button', { name: 'Open the key' }).click();
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');

    // Removing it asks for the current one: a wrong one is said, and the key keeps its password.
    await card.getByRole('button', { name: 'Access password…' }).click();
    form = card.getByRole('form', { name: 'Access password' });
    expect(await form.textContent()).toContain('The key has an access password');
    await form.getByLabel('remove it').check();
    await form.getByLabel('Current access password').fill('not it');
    await form.getByRole('button', { name: 'Remove the password' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Wrong access password: the key is unchanged.');
    expect(key.card.snapshot().access).not.toBeNull();
    await form.getByLabel('Current access password').fill('key pass 1');
    await form.getByRole('button', { name: 'Remove the password' }).click();
    await expect.poll(() => card.getByTestId('password-done').textContent()).toContain('The access password is removed');
    expect(key.card.snapshot().access).toBeNull();
  });

  it('a key unplugged while an account is written says the key may or may not hold it, and the list is read again', async () => {
    const key = oathKey();
    const app = await openUnlockedApp(browser, { keys: { devices: key.devices } });
    await addAccount(app, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    const card = await openKeysPanel(app);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');

    key.hangNextPut();
    const form = await addFromVault(card, ['ACME'], E2E_PASSWORD);
    // The PUT hangs; the key is pulled out and put back.
    await expect.poll(() => key.card.snapshot().credentials.length === 0 && app.pending() > 0).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    key.card.unplug();
    key.card.plugIn();
    const alert = form.getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('KEY_UNPLUGGED');
    expect(await alert.textContent()).toContain('it may or may not hold the change');
    expect(await card.getByTestId('key-room').textContent()).toBe('0 of 32 used, 32 free');
  });
});
