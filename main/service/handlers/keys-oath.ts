import { cleanDisplayText, type AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { formatCredentialId, type OathCredential, type OathOperationOptions } from '../../keys/oath/index.js';
import { codeOnce } from '../../otp/index.js';
import { matchAccounts } from '../account-query.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { Operation } from '../operations.js';
import { afterReauth, afterReauthIfGiven } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';
import type { RememberedAccessKeys } from './keys-oath-access.js';
import { credentialView, type OathKeyConnector, type OpenOathKey } from './keys-oath-connect.js';
import { oathCredentialPlan } from './keys-oath-plan.js';

type OathChannel = 'keys.credentials' | 'keys.calculate' | 'keys.put' | 'keys.deleteCredential' | 'keys.rename' | 'keys.pin' | 'keys.password' | 'keys.reset';
type Auth = { readonly pin?: string | undefined; readonly password?: string | undefined; readonly remember?: boolean | undefined } | undefined;

const TOUCH_STAGE = 'Touch your key…';
/** A TOTP period the id leaves unsaid (YubiKey sheet §6). */
const DEFAULT_PERIOD = 30;

/** The OATH channels (keys-api.ts): credentials on a YubiKey or a Nitrokey 3, over one session. */
export function oathHandlers(deps: { readonly host: VaultHost; readonly clock: Clock; readonly keys: OathKeyConnector; readonly remembered: RememberedAccessKeys }): HandlersFor<OathChannel> {
  const { host, clock, keys, remembered } = deps;

  /**
   * A YubiKey with an access password is unlocked (VALIDATE) with the password given, or else the
   * access key remembered for its serial; otherwise KEY_PIN_REQUIRED {kind: 'password'}. A password
   * that opens it is remembered while the vault is unlocked (and sealed in it when asked).
   */
  const unlock = async (key: OpenOathKey, auth: Auth, operation: Operation): Promise<void> => {
    const { session } = key;
    if (auth?.remember === true && !host.isUnlocked) throw new LatchkeyError('VAULT_LOCKED', 'the access password can only be remembered in an unlocked vault');
    if (session.dialect.authKind !== 'password' || !session.info.hasPassword) return;
    const { serial } = key.summary;
    if (auth?.password !== undefined) {
      await session.unlock({ password: auth.password }, { signal: operation.signal });
      if (serial !== null) rememberPassword(key, serial, auth.password, auth.remember === true);
      return;
    }
    const known = serial === null ? undefined : remembered.get(serial);
    if (known === undefined || serial === null) throw new LatchkeyError('KEY_PIN_REQUIRED', "this YubiKey's OATH accounts are protected by an access password", { kind: 'password' });
    try {
      await session.unlock({ accessKey: known }, { signal: operation.signal });
    } catch (error) {
      if (!(error instanceof LatchkeyError && error.code === 'KEY_PIN_WRONG')) throw error;
      remembered.forget(serial);
      throw new LatchkeyError('KEY_PIN_REQUIRED', 'the access password remembered for this YubiKey no longer opens it (changed or reset elsewhere?); it is forgotten: give it again', { kind: 'password' });
    } finally {
      known.fill(0);
    }
  };

  const rememberPassword = (key: OpenOathKey, serial: number, password: string, seal: boolean) => {
    const accessKey = key.session.deriveAccessKey(password);
    try {
      remembered.remember(serial, accessKey, seal);
    } finally {
      accessKey.fill(0);
    }
  };

  return {
    'keys.credentials': ({ serial, auth }, operation) =>
      keys.withKey(serial, async (key) => {
        await unlock(key, auth, operation);
        const credentials = await key.session.list({ ...waits(operation, key), ...pinOf(auth) });
        const password = key.session.dialect.authKind === 'password' ? { hasPassword: key.session.info.hasPassword } : {};
        return { key: key.summary, capacity: key.session.info.capacity, credentials: credentials.map(credentialView), ...password, ...(await pinState(key, auth)) };
      }),

    'keys.calculate': ({ serial, auth, query, at }, operation) =>
      keys.withKey(serial, async (key) => {
        await unlock(key, auth, operation);
        const time = at ?? clock.now() / 1000;
        const all = await key.session.calculateAll({ ...waits(operation, key), ...pinOf(auth), time });
        const matched = matchCredentials(all.map((entry) => entry.credential), query);
        if (matched.length === 0) {
          const hidden = mayBeBehindPin(key, auth);
          if (hidden !== null) throw hidden;
        }
        const [only] = matched;
        if (only !== undefined && matched.length === 1) {
          // Alone, a touch or HOTP credential is computed too: the user asked for exactly this code.
          const code = all.find((entry) => entry.credential === only)?.code ?? (await key.session.calculate(only, { ...waits(operation, key), ...pinOf(auth), time }));
          return { key: key.summary, matches: [{ credential: credentialView(only), code: code.value, validFrom: code.validFrom, validUntil: code.validTo }] };
        }
        return {
          key: key.summary,
          matches: all
            .filter((entry) => matched.includes(entry.credential))
            .map(({ credential, code, notComputed }) => ({
              credential: credentialView(credential),
              code: code?.value ?? null,
              validFrom: code?.validFrom ?? null,
              validUntil: code?.validTo ?? null,
              ...(notComputed === undefined ? {} : { notComputed }),
            })),
        };
      }),

    'keys.put': (request, operation) =>
      // The accounts' secrets leave the vault (onto the key): the vault password again, as for every copy.
      afterReauth(host, request.vaultPassword, (vault) => {
        const accounts = request.accountIds.map((id) => vault.account(id));
        return keys.withKey(request.serial, async (key) => {
          await unlock(key, request.auth, operation);
          const { session } = key;
          // Everything is checked before the first PUT: one refusal writes nothing.
          const plans = accounts.map((account) => {
            const plan = oathCredentialPlan(account, session.dialect, session.info.version, request.touch);
            // The name as the key will hold it, within its byte limit (ACCOUNT_INVALID naming the limit; never cut).
            const id = formatCredentialId(plan.type, { issuer: plan.issuer, account: plan.account, period: plan.period ?? DEFAULT_PERIOD }, session.dialect.idByteLimit);
            return { account, plan, name: new TextDecoder().decode(id) };
          });
          const names = plans.map(({ name }) => name);
          // The second PUT of one name would be refused after the first was written (or replace it).
          const twice = names.find((name, index) => names.indexOf(name) !== index);
          if (twice !== undefined) {
            throw new LatchkeyError('INVALID_REQUEST', `two of the chosen accounts would have the same name on the key ("${twice}"); choose one, or rename one in the vault first; nothing was written`, { names: twice });
          }
          const listed = await session.list({ ...waits(operation, key), ...pinOf(request.auth) });
          const clashes = names.filter((name) => listed.some((credential) => credential.name === name));
          if (clashes.length > 0 && !request.overwrite) {
            throw new LatchkeyError('KEY_CREDENTIAL_EXISTS', `the key already holds ${clashes.map((name) => `"${name}"`).join(', ')}; nothing was written`, { names: clashes.join('\n') });
          }
          const room = session.info.capacity - listed.length;
          if (names.length - clashes.length > room) {
            throw new LatchkeyError('KEY_FULL', `the ${session.dialect.product} has room for ${String(Math.max(0, room))} more credential(s) (it holds at most ${String(session.info.capacity)}); ${String(names.length - clashes.length)} were asked for; nothing was written`, {
              capacity: session.info.capacity,
            });
          }
          const written = [];
          for (const { account, plan, name } of plans) {
            const secret = vault.withSecret(account.id, (seed) => Uint8Array.from(seed));
            try {
              const overwritten = clashes.includes(name);
              const credential = await session.put({ ...plan, secret }, { ...waits(operation, key), ifExists: overwritten ? 'overwrite' : 'refuse' });
              const verified = await verifyOnKey(key, credential, account, secret, plan.touch, clock, request.auth, operation);
              written.push({ accountId: account.id, credential: credentialView(credential), overwritten, verified });
            } finally {
              secret.fill(0);
            }
          }
          return { key: key.summary, written };
        });
      }, operation),

    // The page sends the vault password again (the renderer door requires it): checked before the key is opened.
    'keys.deleteCredential': ({ serial, auth, name, vaultPassword }, operation) =>
      afterReauthIfGiven(
        host,
        vaultPassword,
        () =>
          keys.withKey(serial, async (key) => {
            await unlock(key, auth, operation);
            const credential = await findByName(key, name, auth, operation);
            await key.session.delete(credential, { ...waits(operation, key), ...pinOf(auth) });
            return { key: key.summary, deleted: credentialView(credential) };
          }),
        operation,
      ),

    'keys.rename': ({ serial, auth, name, ...typed }, operation) =>
      keys.withKey(serial, async (key) => {
        const { issuer, label } = renameNames(typed);
        await unlock(key, auth, operation);
        const credential = await findByName(key, name, auth, operation);
        // The name it has already: nothing to send (a YubiKey refuses a RENAME onto the name it holds).
        if ((await nameAfterRename(key, credential, { issuer, label }, auth, operation)) === credential.name) return { key: key.summary, credential: credentialView(credential) };
        const renamed = await key.session.rename(credential, { ...(issuer === undefined || issuer === '' ? {} : { issuer }), account: label }, { ...waits(operation, key), ...pinOf(auth) });
        return { key: key.summary, credential: credentialView(renamed) };
      }),

    'keys.pin': ({ serial, action, pin, newPin }, operation) =>
      keys.withKey(serial, async (key) => {
        const { session } = key;
        const options = waits(operation, key);
        if (action === 'set') await session.setPin(newPin ?? required(pin, 'the new PIN'), options);
        else if (action === 'verify') await session.verifyPin(required(pin, 'the PIN'), options);
        else await session.changePin(required(pin, 'the current PIN'), required(newPin, 'the new PIN'), options);
        return { key: key.summary, attemptsRemaining: (await session.refresh()).pinAttemptsRemaining ?? null };
      }),

    'keys.password': ({ serial, auth, action, newPassword }, operation) =>
      keys.withKey(serial, async (key) => {
        await unlock(key, auth, operation);
        const { serial } = key.summary;
        if (action === 'set') {
          const password = required(newPassword, 'the new access password', 'password');
          await key.session.setPassword(password, waits(operation, key));
          // What was remembered for this key follows its new password (sealed if it was, or if asked now).
          if (serial !== null) rememberPassword(key, serial, password, auth?.remember === true);
        } else {
          await key.session.setPassword(null, waits(operation, key));
          if (serial !== null) remembered.forget(serial);
        }
        return { key: key.summary, hasPassword: key.session.info.hasPassword };
      }),

    // The page sends the vault password again (the renderer door requires it): checked before the key is opened.
    'keys.reset': ({ serial, vaultPassword }, operation) =>
      afterReauthIfGiven(
        host,
        vaultPassword,
        () =>
          keys.withKey(serial, async (key) => {
            // How many go, when the key lets itself be listed (a locked YubiKey is reset without its password).
            const erased = key.session.info.hasPassword ? null : (await key.session.list({ signal: operation.signal })).length;
            await key.session.reset(waits(operation, key));
            // A reset removes the password and changes the salt: an access key kept for it opens nothing now.
            if (key.summary.serial !== null) remembered.forget(key.summary.serial);
            return { key: key.summary, erased };
          }),
        operation,
      ),
  };
}

/** The driver's touch waits as one `op.progress {needsTouch, key}` each; the cancel goes to the driver. */
function waits(operation: Operation, key: OpenOathKey): OathOperationOptions {
  return {
    signal: operation.signal,
    onProgress: (progress) => {
      if (progress.needsTouch) operation.progress(TOUCH_STAGE, undefined, { needsTouch: true, ...(key.summary.serial === null ? {} : { key: String(key.summary.serial) }) });
    },
  };
}

const pinOf = (auth: Auth) => (auth?.pin === undefined ? {} : { pin: auth.pin });

function required(value: string | undefined, what: string, kind: 'pin' | 'password' = 'pin'): string {
  if (value === undefined) throw new LatchkeyError('KEY_PIN_REQUIRED', `${what} is needed`, { kind });
  return value;
}

/** `keys code QUERY` matches the key's credentials as `code QUERY` matches vault accounts. */
function matchCredentials(credentials: readonly OathCredential[], query: string): OathCredential[] {
  const candidates = credentials.map((credential, index) => ({ id: `credential-${String(index)}`, issuer: credential.issuer ?? '', label: credential.account, credential }));
  return matchAccounts(candidates, query).map((candidate) => candidate.credential);
}

async function findByName(key: OpenOathKey, name: string, auth: Auth, operation: Operation): Promise<OathCredential> {
  const credentials = await key.session.list({ signal: operation.signal, ...pinOf(auth) });
  const found = credentials.find((credential) => credential.name === name);
  if (found === undefined) throw mayBeBehindPin(key, auth) ?? new LatchkeyError('NOT_FOUND', `the key holds no credential named "${name}" (see \`latchkey keys credentials\`)`);
  return found;
}

/**
 * A rename's new issuer and label under the one rule for names an account gets (shared/account.ts):
 * control and text-direction characters removed, then trimmed. A bidi override would make the key's
 * name read backwards in every app that lists it, a newline split a line of `keys credentials`.
 */
function renameNames(typed: { readonly issuer?: string | undefined; readonly label: string }): { issuer: string | undefined; label: string } {
  const label = cleanDisplayText(typed.label, 'label').text;
  if (label === '') throw new LatchkeyError('INVALID_REQUEST', 'the account name is empty once control and text-direction characters are removed', { field: 'label' });
  const issuer = typed.issuer === undefined ? undefined : cleanDisplayText(typed.issuer, 'issuer').text;
  return { issuer, label };
}

/**
 * The name a rename gives. One another credential has is KEY_CREDENTIAL_EXISTS before anything is sent: what
 * a YubiKey does with such a RENAME is unknown (ykman checks first), and two credentials of one name
 * could no longer be told apart by delete or calculate.
 */
async function nameAfterRename(key: OpenOathKey, credential: OathCredential, to: { readonly issuer: string | undefined; readonly label: string }, auth: Auth, operation: Operation): Promise<string> {
  const issuer = to.issuer === '' ? undefined : to.issuer;
  const id = formatCredentialId(credential.type, { issuer, account: to.label, period: credential.period }, key.session.dialect.idByteLimit);
  const name = new TextDecoder().decode(id);
  const credentials = await key.session.list({ signal: operation.signal, ...pinOf(auth) });
  if (name !== credential.name && credentials.some((other) => other.name === name)) {
    throw new LatchkeyError('KEY_CREDENTIAL_EXISTS', `the key already holds "${name}"; nothing was renamed`, { names: name });
  }
  return name;
}

/**
 * A Nitrokey 3's PIN as the keys panel shows it: set or not, the tries left (read by SELECT, after a
 * VERIFY when one was given), and whether the listing was made without it, so PIN-protected
 * credentials may be missing from it (the room is then "at most", as `keys sync` says it).
 */
async function pinState(key: OpenOathKey, auth: Auth): Promise<{ pin?: { set: boolean; attemptsRemaining: number | null }; hiddenByPin?: boolean }> {
  if (key.session.dialect.authKind !== 'pin') return {};
  // A right PIN given restores the tries: read again, not the count from before the VERIFY.
  const info = auth?.pin === undefined ? key.session.info : await key.session.refresh();
  return { pin: { set: info.hasPin, attemptsRemaining: info.pinAttemptsRemaining ?? null }, hiddenByPin: info.hasPin && auth?.pin === undefined };
}

/**
 * A Nitrokey 3 lists its PIN-encrypted credentials only right after VERIFY PIN (nk3 sheet §4): on a
 * key with a PIN, asked without one, what was not found may be one of those. Then the PIN is what is
 * missing (KEY_PIN_REQUIRED {kind: 'pin'}, which a terminal answers with a prompt), not the credential.
 */
function mayBeBehindPin(key: OpenOathKey, auth: Auth): LatchkeyError | null {
  const { session } = key;
  if (session.dialect.authKind !== 'pin' || !session.info.hasPin || auth?.pin !== undefined) return null;
  return new LatchkeyError('KEY_PIN_REQUIRED', `nothing on the ${session.dialect.product} matches without its PIN; its PIN-protected credentials are seen only with it`, { kind: 'pin' });
}

/**
 * A TOTP just written is checked: the key computes a code for this moment, which must equal the
 * vault's. Null (not checked) for HOTP (a calculation uses up a counter value) and for a touch credential.
 */
async function verifyOnKey(key: OpenOathKey, credential: OathCredential, account: AccountMeta, secret: Uint8Array, touch: boolean, clock: Clock, auth: Auth, operation: Operation): Promise<boolean | null> {
  if (account.type !== 'totp' || touch) return null;
  const now = clock.now();
  const onKey = await key.session.calculate(credential, { ...waits(operation, key), ...pinOf(auth), time: now / 1000 });
  const inVault = codeOnce(account, secret, now).code;
  if (onKey.value !== inVault) {
    throw new LatchkeyError('KEY_WRITE_REJECTED', `the key computes a different code for "${credential.name}" than the vault does: delete it from the key and try again`, { name: credential.name });
  }
  return true;
}
