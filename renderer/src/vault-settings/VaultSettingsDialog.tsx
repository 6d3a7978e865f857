import type { PanelProps } from '../app/panel-props.js';
import { refreshQuery, useQuery } from '../data/hooks.js';
import { keyringStatus, vaultSlots } from '../data/vault-settings.js';
import { Dialog } from '../ui/Dialog.js';
import { ChangePasswordSection } from './ChangePasswordSection.js';
import { KeyringSection } from './KeyringSection.js';
import { KeySlotsSection } from './KeySlotsSection.js';
import { RecoveryKeySection } from './RecoveryKeySection.js';
import { RekeySection } from './RekeySection.js';
import { VerifySection } from './VerifySection.js';
import './vault-settings.css';

/** Vault settings (issue 18): each change needs the vault password again, checked by main. */
export function VaultSettingsDialog({ close }: PanelProps) {
  const keyring = useQuery(keyringStatus, undefined).data;
  return (
    <Dialog title="Vault" onClose={close} wide>
      <div className="stack wide">
        <ChangePasswordSection
          keyringOn={keyring?.enabled === true}
          onChanged={() => {
            refreshQuery(keyringStatus, undefined);
            refreshQuery(vaultSlots, undefined);
          }}
        />
        <RecoveryKeySection />
        <KeySlotsSection />
        <KeyringSection />
        <VerifySection />
        <RekeySection />
      </div>
    </Dialog>
  );
}
