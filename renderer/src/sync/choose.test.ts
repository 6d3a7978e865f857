import { describe, expect, it } from 'vitest';
import type { ReplyOf } from '../../../shared/api.js';
import type { AccountView } from '../../../shared/vault-api.js';
import { matchingAccounts } from './ChooseAccounts.js';
import { keyLabel, syncTargets } from './ChooseKeys.js';
import { syncError, syncErrorText } from './sync-errors.js';

type KeyListing = ReplyOf<'keys.list'>['keys'][number];
const listing = (fields: Partial<KeyListing> & Pick<KeyListing, 'kind' | 'serial'>): KeyListing => ({ firmware: '5.4.3', emulated: true, ...fields });
const account = (issuer: string, label: string, tags: string[] = []): AccountView => ({ id: `${issuer}-${label}`, issuer, label, tags }) as unknown as AccountView;

describe('the keys a sync can write to', () => {
  it('offers each key’s OATH credentials ticked, a YubiKey’s OTP slots unticked, and skips a key hiding its serial', () => {
    const targets = syncTargets([
      listing({ kind: 'yubikey-oath', serial: 22_444_506, applications: ['otp', 'oath'] }),
      listing({ kind: 'nitrokey3', serial: 439_041_101 }),
      listing({ kind: 'yubikey-otp', serial: 7 }),
      listing({ kind: 'yubikey-oath', serial: null }),
    ]);
    expect(targets).toEqual([
      { id: '22444506', label: 'YubiKey 22444506', byDefault: true },
      { id: '22444506/otp', label: 'YubiKey 22444506 OTP slots', byDefault: false },
      { id: '439041101', label: 'Nitrokey 3 439041101', byDefault: true },
      { id: '7/otp', label: 'YubiKey 7 OTP slots', byDefault: false },
    ]);
    // A target main names that is not listed (unplugged since) is shown by its id.
    expect(keyLabel(targets, '22444506/otp')).toBe('YubiKey 22444506 OTP slots');
    expect(keyLabel(targets, '99')).toBe('Key 99');
  });
});

describe('the accounts a sync takes', () => {
  const accounts = [account('GitHub', 'alice', ['work']), account('Google', 'alice@gmail.com', ['personal']), account('', 'bob@nas.home')];

  it('takes those a tag and a search leave (names and tags, any case)', () => {
    expect(matchingAccounts(accounts, '', undefined)).toHaveLength(3);
    expect(matchingAccounts(accounts, 'G', 'work').map((entry) => entry.issuer)).toEqual(['GitHub']);
    expect(matchingAccounts(accounts, 'PERSONAL', undefined).map((entry) => entry.issuer)).toEqual(['Google']);
    expect(matchingAccounts(accounts, 'nas', undefined).map((entry) => entry.label)).toEqual(['bob@nas.home']);
  });
});

describe('a sync’s failure in the panel’s words', () => {
  const error = (code: string, text: string) => ({ code, text, field: undefined, message: text }) as Parameters<typeof syncErrorText>[0];

  it('says an unplug, a cancel and a locked key in its own words, and anything else in main’s', () => {
    expect(syncErrorText(error('KEY_UNPLUGGED', 'The card connection is closed.'))).toBe('A key was unplugged while Latchkey was writing to it.');
    expect(syncErrorText(error('CANCELLED', ''))).toBe('You cancelled the sync.');
    expect(syncErrorText(error('KEY_PIN_REQUIRED', 'give it (--key-password-file)'))).not.toContain('--key-password-file');
    expect(syncErrorText(error('KEY_FULL', 'The chosen accounts do not fit.'))).toBe('The chosen accounts do not fit.');
    // A cancel stays silent where errors are shown as alerts.
    expect(syncError(error('CANCELLED', ''))?.text).toBe('');
  });
});
