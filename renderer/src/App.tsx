import type { VaultStatus } from '../../shared/vault-api.js';
import { AccountsScreen } from './accounts/AccountsScreen.js';
import { useActivityReports } from './activity.js';
import { useAppState } from './app/app-state.js';
import { PanelHost } from './app/PanelHost.js';
import { BackupFailureNotice } from './BackupFailureBanner.js';
import { BackupAge } from './backups/BackupAge.js';
import { refreshQuery } from './data/hooks.js';
import { vaultStatus } from './data/vault.js';
import { FirstRun } from './FirstRun.js';
import { ManifestBanner } from './ManifestBanner.js';
import { useSettingsTheme } from './theme.js';
import { Unlock } from './Unlock.js';

/** Which screen: the app's state (app/app-state.ts), decided by the vault's status and its locks. */
export function App() {
  const { screen, status, failure } = useAppState();
  switch (screen) {
    case 'starting':
      return <main className="screen centered" aria-busy="true" />;
    case 'unreachable':
      return (
        <main className="screen centered">
          <h1>Latchkey</h1>
          <p role="alert" className="error">
            The vault could not be opened: {failure}
          </p>
          <button type="button" onClick={() => { refreshQuery(vaultStatus, undefined); }}>
            Try again
          </button>
        </main>
      );
    case 'first-run':
      return <FirstRun />;
    case 'unlock':
      return <Unlock />;
    case 'accounts':
      return <Unlocked manifest={status?.manifest} />;
  }
}

/** The accounts, what is said above them, and the panel open over them: shown only while unlocked. */
function Unlocked({ manifest }: { manifest: VaultStatus['manifest'] }) {
  useActivityReports();
  useSettingsTheme();
  return (
    <>
      <ManifestBanner manifest={manifest} />
      <BackupFailureNotice />
      <BackupAge />
      <AccountsScreen />
      <PanelHost />
    </>
  );
}
