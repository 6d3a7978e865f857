import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedNitrokey3Backend, factoryNk3State, type Nk3Credential, type Nk3State } from '../main/keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath } from '../main/keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../main/keys/emulators/yubikey-oath/pcsc.js';
import type { HidBackend } from '../main/keys/hid/hid-device.js';
import { createDevices, type Devices } from '../main/service/devices.js';
import { launchChromium, openUnlockedApp, type AppPage, type OpenAppOptions } from './harness.js';

/**
 * The keys panel with a Nitrokey 3 (issue 18, item 1): its room ("at most" while its PIN hides
 * accounts), its PIN (set, entered, a wrong one with the attempts left, blocked, changed), its
 * accounts with codes computed on the key; and plug events of a Nitrokey 3 (CTAPHID over HID) and
 * a CCID-only YubiKey (PC/SC) reaching the open panel with focus events switched off, and main's
 * watch ending with a page that goes away without a word.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const NK3_SERIAL = 0x2b3c4d5e;
const ACME_URI = 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const BANK_URI = 'otpauth://totp/Bank:bob?secret=KRSXG5CTMVRXEZLU&issuer=Bank';
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const base32Hex = (base32: string) => {
  let bits = '';
  for (const char of base32) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(char).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g)?.map((byte) => Number.parseInt(byte, 2)) ?? []).toString('hex');
};
const noHid: HidBackend = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no such key')) };
const noReaders = createEmulatedPcscBackend([]);

/** A TOTP credential as the Nitrokey 3 keeps it: `issuer:label`, SHA1, 6 digits. */
function totp(name: string, secretBase32: string, pinEncrypted: boolean): Nk3Credential {
  return { labelHex: hex(name), kind: 'TOTP', algorithm: 'SHA1', digits: 6, secretHex: base32Hex(secretBase32), touch: false, pinEncrypted, hasPasswordSafe: false, counter: 0 };
}

/** A Nitrokey 3 with `pin` set (or none), one plain account (ACME) and, behind the PIN, Bank. */
function nitrokey(pin: { value: string; retriesLeft: number } | null) {
  const factory = factoryNk3State((length) => new Uint8Array(length).fill(7), { serial: NK3_SERIAL });
  const state: Nk3State = {
    ...factory,
    pin: pin === null ? null : { pinHex: hex(pin.value), retriesLeft: pin.retriesLeft },
    credentials: [totp('ACME:alice', 'JBSWY3DPEHPK3PXP', false), ...(pin === null ? [] : [totp('Bank:bob', 'KRSXG5CTMVRXEZLU', true)])],
  };
  const key = createEmulatedNitrokey3Backend({ initialState: state });
  return { key, devices: createDevices({ backend: noHid, fido: key, pcsc: noReaders }) };
}

async function openKeysPanel(options: OpenAppOptions): Promise<AppPage> {
  const app = await openUnlockedApp(browser, options);
  // The vault holds the same accounts, so the key's codes can be checked against the vault's.
  for (const uri of [ACME_URI, BANK_URI]) await app.service.dispatch('accounts.add', { uri });
  await app.page.getByRole('button', { name: 'Settings' }).click();
  await app.page.getByRole('button', { name: 'Security keys…' }).click();
  await app.page.getByRole('heading', { name: 'Security keys' }).waitFor();
  return app;
}

const nk3Card = (page: Page) => page.getByRole('list', { name: 'Keys found' }).getByRole('listitem', { name: `Nitrokey 3 ${String(NK3_SERIAL)}` });
const vaultCode = async (page: Page, name: string) =>
  (await page.getByRole('button', { name: `Details for ${name}` }).locator('xpath=ancestor::*[contains(@class,"account")][1]').locator('.code').textContent())?.replace(/\D/g, '');

async function pinVerifies(app: AppPage, pin: string): Promise<boolean> {
  const reply = await app.service.dispatch('keys.pin', { serial: NK3_SERIAL, action: 'verify', pin });
  return reply.ok;
}

/** Window focus events never reach the page: whatever it shows anew came from main's keys.changed. */
async function withoutFocusEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const add = window.addEventListener.bind(window);
    window.addEventListener = ((type: string, ...rest: Parameters<typeof add> extends [unknown, ...infer R] ? R : never) => {
      if (type === 'focus' || type === 'visibilitychange') return;
      add(type, ...(rest as [EventListenerOrEventListenerObject]));
    }) as typeof window.addEventListener;
  });
}

describe('a Nitrokey 3 in the keys panel', () => {
  it('without a PIN: the room counted exactly, a PIN set (typed twice), then forgotten (room "at most"), entered again and changed', async () => {
    const { devices } = nitrokey(null);
    const app = await openKeysPanel({ keys: { devices } });
    const card = nk3Card(app.page);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('1 of 50 used, 49 free');
    expect(await card.getByTestId('key-pin').textContent()).toBe('none set');
    expect(await card.getByRole('region', { name: 'PIN' }).textContent()).toContain('No PIN is set');

    await card.getByRole('button', { name: 'Set a PIN…' }).click();
    const setForm = card.getByRole('form', { name: 'Set a PIN' });
    await setForm.getByLabel('New PIN', { exact: true }).fill('246810');
    await setForm.getByLabel('The new PIN again').fill('246811');
    await setForm.getByRole('button', { name: 'Set the PIN' }).click();
    expect(await setForm.getByRole('alert').textContent()).toBe('The two new PINs differ.');
    await setForm.getByLabel('The new PIN again').fill('246810');
    await setForm.getByRole('button', { name: 'Set the PIN' }).click();
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set and entered, 8 attempts left');
    expect(await pinVerifies(app, '246810')).toBe(true);

    // Forgotten by the page: the key hides what its PIN protects, so its room is "at most".
    await card.getByRole('button', { name: 'Forget the PIN' }).click();
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set, 8 attempts left');
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('at least 1 of 50 used, at most 49 free');
    await card.getByTestId('hidden-by-pin').waitFor();

    await card.getByLabel('The key’s PIN').fill('246810');
    await card.getByRole('button', { name: 'Enter PIN' }).click();
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('1 of 50 used, 49 free');
    await card.getByRole('button', { name: 'Change the PIN…' }).click();
    const changeForm = card.getByRole('form', { name: 'Change the PIN' });
    await changeForm.getByLabel('New PIN', { exact: true }).fill('1357');
    await changeForm.getByLabel('The new PIN again').fill('1357');
    await changeForm.getByRole('button', { name: 'Change the PIN' }).click();
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set and entered, 8 attempts left');
    expect(await pinVerifies(app, '1357')).toBe(true);
    expect(await pinVerifies(app, '246810')).toBe(false);
  });

  it('with a PIN: a wrong one says the attempts left; the right one shows the accounts it protects, whose codes the key computes', async () => {
    const { devices } = nitrokey({ value: '123456', retriesLeft: 8 });
    const app = await openKeysPanel({ keys: { devices } });
    const card = nk3Card(app.page);
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('at least 1 of 50 used, at most 49 free');
    expect(await card.getByTestId('key-pin').textContent()).toBe('set, 8 attempts left');
    const onKey = card.getByRole('list', { name: 'Accounts on this key' });
    expect(await onKey.getByRole('listitem').count()).toBe(1);

    await card.getByLabel('The key’s PIN').fill('654321');
    await card.getByRole('button', { name: 'Enter PIN' }).click();
    await expect.poll(() => card.getByRole('form', { name: 'Enter the PIN' }).getByRole('alert').textContent()).toBe('Wrong PIN; 7 attempts left.');
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set, 7 attempts left');
    expect(await onKey.getByRole('listitem').count()).toBe(1);

    await card.getByLabel('The key’s PIN').fill('123456');
    await card.getByRole('button', { name: 'Enter PIN' }).click();
    await expect.poll(() => card.getByTestId('key-room').textContent()).toBe('2 of 50 used, 48 free');
    // A right PIN gives the key its tries back.
    expect(await card.getByTestId('key-pin').textContent()).toBe('set and entered, 8 attempts left');
    expect(await card.getByTestId('hidden-by-pin').count()).toBe(0);
    // The account the PIN protects says so; the other doesn't.
    expect(await onKey.getByRole('listitem', { name: 'Bank bob' }).locator('.chip', { hasText: 'PIN' }).count()).toBe(1);
    expect(await onKey.getByRole('listitem', { name: 'ACME alice' }).locator('.chip', { hasText: 'PIN' }).count()).toBe(0);

    for (const name of ['ACME alice', 'Bank bob']) {
      const item = onKey.getByRole('listitem', { name });
      await item.getByRole('button', { name: 'Show code' }).click();
      const code = await item.getByTestId('on-key-code').textContent();
      expect(code).toMatch(/^\d{6}$/);
      expect(code).toBe(await vaultCode(app.page, name));
    }
  });

  it('setting a PIN waits for a touch, said as "Touch your key…" with Cancel: cancelled, no PIN; touched, set', async () => {
    const key = createEmulatedNitrokey3Backend({ serial: NK3_SERIAL, touchPolicy: { kind: 'never' } });
    const app = await openKeysPanel({ keys: { devices: createDevices({ backend: noHid, fido: key, pcsc: noReaders }) } });
    const card = nk3Card(app.page);
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('none set');
    const setPin = async () => {
      await card.getByRole('button', { name: 'Set a PIN…' }).click();
      const form = card.getByRole('form', { name: 'Set a PIN' });
      await form.getByLabel('New PIN', { exact: true }).fill('8642');
      await form.getByLabel('The new PIN again').fill('8642');
      await form.getByRole('button', { name: 'Set the PIN' }).click();
      await form.getByText('Touch your key…').waitFor();
      return form;
    };

    // The wait's own Cancel: the key is told to stop waiting, and no PIN is set.
    const form = await setPin();
    await form.getByRole('status').getByRole('button', { name: 'Cancel' }).click();
    await form.getByText('Touch your key…').waitFor({ state: 'detached' });
    expect(await card.getByTestId('key-pin').textContent()).toBe('none set');
    expect(await pinVerifies(app, '8642')).toBe(false);
    expect(key.current?.waitingForTouch).toBe(false);

    // The form's Cancel while the key waits: the wait stops too, the form closes.
    await form.getByRole('button', { name: 'Set the PIN' }).click();
    await form.getByText('Touch your key…').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).first().click(); // the form's, before the wait's in the DOM
    await expect.poll(() => key.current?.waitingForTouch).toBe(false);
    expect(await card.getByRole('form', { name: 'Set a PIN' }).count()).toBe(0);

    await setPin();
    await expect.poll(() => key.current?.touch()).toBe(true);
    // Set; then read with the new PIN, whose check this key wants a touch for too: said while it waits.
    await card.getByText('Reading the key… Touch it if it blinks.').waitFor();
    await expect.poll(() => key.current?.touch()).toBe(true);
    await card.getByText('Reading the key… Touch it if it blinks.').waitFor({ state: 'detached' });
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set and entered, 8 attempts left');
  });

  it('says plainly when the PIN is blocked, and offers no PIN entry then', async () => {
    const { devices } = nitrokey({ value: '123456', retriesLeft: 1 });
    const app = await openKeysPanel({ keys: { devices } });
    const card = nk3Card(app.page);
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('set, 1 attempt left');
    await card.getByLabel('The key’s PIN').fill('000000');
    await card.getByRole('button', { name: 'Enter PIN' }).click();
    await expect.poll(() => card.getByTestId('key-pin').textContent()).toBe('blocked');
    const region = card.getByRole('region', { name: 'PIN' });
    expect(await region.getByRole('status').textContent()).toContain('Only a reset, which erases every account on the key, makes it usable again');
    expect(await card.getByLabel('The key’s PIN').count()).toBe(0);
    expect(await card.getByTestId('hidden-by-pin').textContent()).toBe('Accounts protected by the PIN can’t be shown while it is blocked.');
  });
});

describe('plug events while the panel is open, with no focus event', () => {
  /** Devices whose watch counts how many are running, so a test sees main's watch start and end. */
  function counting(devices: Devices) {
    let running = 0;
    return {
      running: () => running,
      devices: {
        ...devices,
        watchKeys: (listener) => {
          running++;
          const stop = devices.watchKeys(listener);
          return () => {
            running--;
            stop();
          };
        },
      } satisfies Devices,
    };
  }

  it('a Nitrokey 3 (HID) and a CCID-only YubiKey (PC/SC) unplugged and plugged in again show at once', async () => {
    const nk3 = createEmulatedNitrokey3Backend({ serial: NK3_SERIAL });
    const card = openEmulatedYubiKeyOath({ serial: 5_556_667 });
    const devices = createDevices({ backend: noHid, fido: nk3, pcsc: createEmulatedPcscBackend([card]) });
    const app = await openKeysPanel({ keys: { devices }, beforeLoad: withoutFocusEvents });
    // The key cards, by their names (each card's own lists of accounts are not cards).
    const cards = async () => (await app.page.locator('.key-list > .key-card').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''))).sort();
    await expect.poll(cards).toEqual([`Nitrokey 3 ${String(NK3_SERIAL)}`, 'YubiKey 5556667']);

    nk3.unplug();
    await expect.poll(cards, { timeout: 5000 }).toEqual(['YubiKey 5556667']);
    card.unplug();
    await app.page.getByTestId('no-keys').waitFor({ timeout: 5000 });
    nk3.plugIn();
    await expect.poll(cards, { timeout: 5000 }).toEqual([`Nitrokey 3 ${String(NK3_SERIAL)}`]);
    card.plugIn();
    await expect.poll(cards, { timeout: 5000 }).toEqual([`Nitrokey 3 ${String(NK3_SERIAL)}`, 'YubiKey 5556667']);
  });

  it("main's watch ends when the page reloads, and when a page goes away without a word (its lease runs out)", async () => {
    const { devices: nk3Devices } = nitrokey(null);
    const watched = counting(nk3Devices);
    const app = await openKeysPanel({ keys: { devices: watched.devices, watchLeaseMs: 1500 } });
    await nk3Card(app.page).getByTestId('key-room').waitFor();
    expect(watched.running()).toBe(1);
    // Held past several leases while the panel stays open: the page renews it.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(watched.running()).toBe(1);

    await app.page.reload();
    await app.page.getByLabel('Search accounts').waitFor();
    await expect.poll(() => watched.running(), { timeout: 4000 }).toBe(0);

    // A page that can't say anything (no pagehide: a crashed renderer, a door gone): the lease ends it.
    await app.page.addInitScript(() => {
      const add = window.addEventListener.bind(window);
      window.addEventListener = ((type: string, ...rest: [EventListenerOrEventListenerObject]) => {
        if (type === 'pagehide') return;
        add(type, ...rest);
      }) as typeof window.addEventListener;
    });
    await app.page.reload();
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByRole('button', { name: 'Security keys…' }).click();
    await nk3Card(app.page).getByTestId('key-room').waitFor();
    expect(watched.running()).toBe(1);
    await app.page.reload();
    await app.page.getByLabel('Search accounts').waitFor();
    expect(watched.running()).toBe(1);
    await expect.poll(() => watched.running(), { timeout: 4000 }).toBe(0);
  });
});
