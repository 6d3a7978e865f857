import { basename } from 'node:path';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { createVault, rekeyVault, unlockVault, type KdfParams, type VaultSession, type YubiKeyResponder } from '../../vault/index.js';
import type { HandlersFor } from '../handler-types.js';
import { pageStages } from '../operations.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import { writeNewFile } from '../secure-file.js';
import { fileErrorOf } from '../fs-words.js';
import type { UserPrompts } from '../user-prompts.js';
import type { VaultHost } from '../vault-host.js';

type VaultChannel =
  | 'vault.status'
  | 'vault.create'
  | 'vault.unlock'
  | 'vault.lock'
  | 'vault.changePassword'
  | 'vault.verify'
  | 'vault.recoveryKey'
  | 'vault.saveRecoveryKey'
  | 'vault.rekey'
  | 'vault.slots';

export function vaultHandlers(host: VaultHost, prompts: UserPrompts | undefined): HandlersFor<VaultChannel> {
  return {
    // The runtime is loaded first, so the reply names the libsodium backend even while locked.
    'vault.status': async () => {
      await host.runtime();
      return host.status();
    },
    'vault.create': ({ password, kdf }) =>
      host.serialized(async () => {
        await assertStrongPassword(password, 'vault');
        const runtime = await host.runtime();
        const created = await createVault(host.path, password, kdf === undefined ? runtime : { ...runtime, kdf: kdf satisfies KdfParams });
        return { path: host.path, recoveryKey: created.recoveryKey, kdf: created.kdf };
      }),
    'vault.unlock': (credential, operation) =>
      host.serialized(async () => {
        // No stage to report: the caller knows it is deriving the key; it can still cancel.
        // A vault whose only password slots need the key asks the plugged keys (a touch: op.progress {needsTouch}).
        const withKey = 'password' in credential ? { password: credential.password, ...optionalKey(host.yubikey(operation)) } : credential;
        const unlocking = unlockVault(host.path, withKey, await host.runtime());
        try {
          host.adopt(await operation.race(unlocking));
          // The password was typed: a keyring slot's 7 days start over (SECURITY-NOTES §1).
          if ('password' in credential) host.session().notePasswordTyped();
        } catch (error) {
          // Cancelled while the key was being derived: a session that opens after all is closed at once.
          if (operation.signal.aborted) unlocking.then((session) => { session.lock(); }, () => undefined);
          throw error;
        }
        return host.status();
      }),
    'vault.lock': () => {
      host.lock();
      return host.status();
    },
    'vault.changePassword': ({ current, next, dropMissingKeySlots }, operation) =>
      host.serialized(async () => {
        const session = host.session();
        // A weak new password is refused before the current one is even checked (no KDF, no count).
        await assertStrongPassword(next, 'vault');
        const yubikey = host.yubikey(operation);
        if (session.unlockedBy === 'password') {
          if (current === undefined) throw new LatchkeyError('USAGE', 'give the current password to change it');
          await session.reauthenticate(current, yubikey);
        }
        // Each password+YubiKey slot is re-challenged on its key (a touch each), or named and kept unless dropping is asked for.
        const change = await session.changePassword(next, { ...optionalKey(yubikey), dropMissingKeySlots });
        return { kdf: change.kdf, rechallenged: change.rechallenged, droppedKeySlots: [...change.droppedKeySlots] };
      }),
    'vault.verify': ({ acceptCurrentRows, vaultPassword }, operation) => {
      const verify = (session: VaultSession) => {
        const report = session.verify();
        if (acceptCurrentRows && report.manifest === 'mismatch') session.acceptCurrentRows();
        return { rows: report.rows, damaged: [...report.damaged], manifest: report.manifest };
      };
      if (!acceptCurrentRows) return verify(host.session());
      // Accepting re-signs whatever rows are there now, tampered ones included: the vault password again.
      if (vaultPassword === undefined) throw new UsageError('accepting the current rows needs the vault password again (vaultPassword)');
      return afterReauth(host, vaultPassword, verify, operation);
    },
    'vault.recoveryKey': ({ password }, operation) => afterReauth(host, password, (session) => ({ recoveryKey: session.issueRecoveryKey() }), operation),
    'vault.saveRecoveryKey': async ({ recoveryKey }) => {
      if (prompts === undefined) throw new LatchkeyError('UNSUPPORTED', 'choosing where to save is not available here');
      const path = await prompts.pickPath({ purpose: 'recovery-key', kind: 'save-file', suggestedName: 'latchkey-recovery-key.txt' });
      if (path === undefined) throw new LatchkeyError('CANCELLED', 'no file was chosen; the recovery key was not saved');
      const text = `Latchkey recovery key\n\n${recoveryKey}\n\nThe only way into your vault if you forget its password. Keep it away from this computer.\n`;
      try {
        writeNewFile(path, (append) => { append(new TextEncoder().encode(text)); }, { replace: false });
      } catch (error) {
        throw fileErrorOf(`cannot write ${basename(path)}`, basename(path), error);
      }
      return { file: basename(path) };
    },
    'vault.rekey': ({ password, opId }, operation) => {
      const rekeying = host.serialized(async () => {
        const session = host.session();
        try {
          // Stopped at the checkpoint after each key derivation (a derivation can't be stopped part-way),
          // never during the re-sealing, which runs whole after the last one.
          return await rekeyVault(session, password, host.yubikey(operation), { stage: pageStages(operation, opId), checkpoint: () => { operation.throwIfCancelled(); } });
        } catch (error) {
          // A failed rekey rolls back whole and the session keeps its old keys (rekey.ts); a session
          // that still ends up locked must reach the host's lock listeners (idle timer, clipboard, undo, the doors).
          if (session.isLocked) host.lock();
          throw error;
        }
      });
      // A cancel is answered at once; the rekey itself holds the queue until it stops at its checkpoint.
      return operation.race(rekeying);
    },
    'vault.slots': () => ({ slots: host.session().slots().map((slot) => ({ ...slot })) }),
  };
}

function optionalKey(yubikey: YubiKeyResponder | undefined): { yubikey?: YubiKeyResponder } {
  return yubikey === undefined ? {} : { yubikey };
}
