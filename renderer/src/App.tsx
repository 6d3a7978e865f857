import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '../../shared/vault-api.js';
import { AccountsScreen } from './accounts/AccountsScreen.js';
import { BackupFailureNotice } from './BackupFailureBanner.js';
import { useActivityReports } from './activity.js';
import { describeError } from './errors.js';
import { callEarly } from './early.js';
import { FirstRun } from './FirstRun.js';
import { latchkey } from './latchkey.js';
import { ManifestBanner } from './ManifestBanner.js';
import { RecoveryFollowUp } from './RecoveryFollowUp.js';
import { applyTheme } from './theme.js';
import { Unlock } from './Unlock.js';

/** Which screen: decided by the vault's status alone. */
export function App() {
  const [status, setStatus] = useState<VaultStatus | undefined>();
  const [failure, setFailure] = useState('');
  const refresh = useCallback(() => {
    callEarly('vault.status')
      .then((next) => {
        setFailure('');
        setStatus(next);
      })
      .catch((caught: unknown) => {
        setFailure(describeError(caught));
      });
  }, []);
  useEffect(refresh, [refresh]);
  const unlocked = status?.exists === true && !status.locked;
  useActivityReports(unlocked);
  // Opened with the recovery key: offer a new password and a new key, once per such unlock.
  const [recoveryFollowUp, setRecoveryFollowUp] = useState(false);
  const byRecovery = unlocked && status.unlockedBy === 'recovery';
  useEffect(() => {
    if (byRecovery) setRecoveryFollowUp(true);
    else if (!unlocked) setRecoveryFollowUp(false);
  }, [byRecovery, unlocked]);

  // Main tells us when the vault locks or unlocks (idle, sleep, screen lock, another window);
  // looking again on focus stays as the fail-safe.
  useEffect(() => {
    const stops = [latchkey().on('vault.locked', refresh), latchkey().on('vault.unlocked', refresh)];
    window.addEventListener('focus', refresh);
    return () => {
      stops.forEach((stop) => { stop(); });
      window.removeEventListener('focus', refresh);
    };
  }, [refresh]);

  useEffect(() => {
    if (!unlocked) return;
    latchkey()
      .call('settings.get', {})
      .then((settings) => {
        applyTheme(settings.theme);
      })
      .catch(() => undefined);
  }, [unlocked]);

  if (failure !== '' && status === undefined) {
    return (
      <main className="screen centered">
        <h1>Latchkey</h1>
        <p role="alert" className="error">
          The vault could not be opened: {failure}
        </p>
        <button type="button" onClick={refresh}>
          Try again
        </button>
      </main>
    );
  }
  if (status === undefined) return <main className="screen centered" aria-busy="true" />;
  if (!status.exists) return <FirstRun onDone={refresh} />;
  if (status.locked) return <Unlock onUnlocked={refresh} />;
  return (
    <>
      <ManifestBanner manifest={status.manifest} />
      <BackupFailureNotice />
      <AccountsScreen onLocked={refresh} />
      {recoveryFollowUp && (
        <RecoveryFollowUp
          onClose={() => {
            setRecoveryFollowUp(false);
          }}
        />
      )}
    </>
  );
}
