import type { PanelProps } from '../app/panel-props.js';
import { Dialog } from '../ui/Dialog.js';
import { CreateBackup } from './CreateBackup.js';
import { TransferSection } from './TransferSection.js';
import { VerifyBackup } from './VerifyBackup.js';
import './backups.css';

/** Backups by hand (issue 18): make one, verify any against the vault and restore from it, and the clipboard transfer. */
export function BackupsDialog({ close }: PanelProps) {
  return (
    <Dialog title="Backups" onClose={close} wide>
      <div className="stack wide">
        <CreateBackup />
        <VerifyBackup />
        <TransferSection />
      </div>
    </Dialog>
  );
}
