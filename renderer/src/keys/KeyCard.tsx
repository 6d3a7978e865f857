import type { z } from 'zod';
import type { keyListingSchema } from '../../../shared/keys-api.js';
import { KeyAccounts, KeyRoom } from './KeyRoom.js';
import { NitrokeyDetails, NitrokeyFacts } from './NitrokeyDetails.js';
import { OathManage } from './OathManage.js';
import { OtpSlots } from './OtpSlots.js';

type KeyListing = z.infer<typeof keyListingSchema>;

const KIND_NAMES: Record<KeyListing['kind'], string> = {
  'yubikey-otp': 'YubiKey (OTP slots)',
  'yubikey-oath': 'YubiKey',
  nitrokey3: 'Nitrokey 3',
};

/** What a user can do with the key, from the applications main found on it. */
function applicationsText(listing: KeyListing): string {
  const applications = listing.applications ?? (listing.kind === 'yubikey-otp' ? ['otp'] : ['oath']);
  return applications.map((application) => (application === 'otp' ? 'OTP slots' : 'OATH codes')).join(' · ');
}

/** One detected key: its kind, serial (when it tells it), firmware, a YubiKey's OTP slots, and its OATH room and accounts. */
export function KeyCard({ listing }: { listing: KeyListing }) {
  const name = KIND_NAMES[listing.kind];
  const serial = listing.serial === null ? 'serial hidden' : String(listing.serial);
  const oathSerial = listing.kind === 'yubikey-oath' ? listing.serial : null;
  const nitrokeySerial = listing.kind === 'nitrokey3' ? listing.serial : null;
  const hasOtpSlots = listing.kind === 'yubikey-otp' || listing.applications?.includes('otp') === true;
  // The slots are asked for by serial: a key hiding its serial can't be told from another.
  const otpSerial = hasOtpSlots ? listing.serial : null;
  return (
    <li className="key-card" aria-label={`${name} ${serial}`}>
      <div className="key-card-head">
        <strong>{name}</strong>
        {listing.emulated && <span className="chip">emulated</span>}
      </div>
      <dl className="key-facts">
        <dt>Serial</dt>
        <dd data-testid="key-serial">{serial}</dd>
        <dt>Firmware</dt>
        <dd data-testid="key-firmware">{listing.firmware}</dd>
        <dt>Holds</dt>
        <dd>{applicationsText(listing)}</dd>
        {oathSerial !== null && <KeyRoom serial={oathSerial} />}
        {nitrokeySerial !== null && <NitrokeyFacts serial={nitrokeySerial} />}
      </dl>
      {otpSerial !== null && <OtpSlots serial={otpSerial} />}
      {oathSerial !== null && <KeyAccounts serial={oathSerial} />}
      {nitrokeySerial !== null && <NitrokeyDetails serial={nitrokeySerial} />}
      {oathSerial !== null && <OathManage serial={oathSerial} />}
    </li>
  );
}
