import type { AccountDraft } from '../../../shared/account.js';
import { AccountInvalidError, LatchkeyError } from '../../../shared/errors.js';
import { cleanDisplayText, formatOtpauthUri, parseOtpauthUri } from '../../enroll/index.js';
import { encodeBase32 } from '../../otp/index.js';
import { putBackAccount, removeAccountKeeping } from '../../vault/index.js';
import { accountDraftFromInput } from '../account-input.js';
import { matchAccounts } from '../account-query.js';
import { accountView } from '../account-view.js';
import type { ClipboardGuard } from '../clipboard-guard.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { RemovalUndo } from '../removal-undo.js';
import type { VaultHost } from '../vault-host.js';
import { qrMatrix } from '../qr-matrix.js';
import { afterReauth } from '../reauth.js';

export type AccountsChannel =
  | 'accounts.copyCode'
  | 'accounts.list'
  | 'accounts.add'
  | 'accounts.update'
  | 'accounts.remove'
  | 'accounts.undoRemove'
  | 'accounts.details'
  | 'accounts.reorder'
  | 'accounts.reveal'
  | 'accounts.nextHotp'
  | 'accounts.recoveryCodes';

export function accountHandlers(host: VaultHost, clock: Clock, clipboard: ClipboardGuard | undefined, undo: RemovalUndo): HandlersFor<AccountsChannel> {
  const viewOf = (id: string) => {
    const session = host.session();
    const meta = session.account(id);
    return accountView(meta, meta.type === 'hotp' ? undefined : session.code(id, clock.now()));
  };

  return {
    'accounts.list': ({ query, at }) => {
      // One read and one pass: metas, and each seed opened for its one code then zeroed.
      const { accounts, codes, damaged } = host.session().listWithCodes(at === undefined ? clock.now() : at * 1000);
      const chosen = query === undefined ? accounts : matchAccounts(accounts, query);
      return { accounts: chosen.map((meta) => accountView(meta, codes.get(meta.id))), damaged: [...damaged] };
    },
    'accounts.add': (request) => {
      let draft: AccountDraft;
      let warnings: readonly string[] = [];
      if ('uri' in request) ({ draft, warnings } = draftFromUri(request));
      else draft = accountDraftFromInput(request.account);
      if (draft.issuer === '' && draft.label === '') throw new AccountInvalidError('label', 'the account needs a name: give an issuer or a label');
      const recoveryCodes = request.recoveryCodes?.map((code) => ({ code, used: false }));
      const account = {
        ...draft,
        ...(request.tags === undefined ? {} : { tags: request.tags }),
        ...(request.icon === undefined ? {} : { icon: request.icon }),
        ...(request.note === undefined ? {} : { note: request.note }),
        ...(recoveryCodes === undefined ? {} : { recoveryCodes }),
      };
      // Judged and added in one transaction: a duplicate refused writes nothing.
      const meta = host.session().transaction((tx) => {
        const [added] = tx.entries.addNew([account], { includeDuplicates: request.onDuplicate !== 'refuse' }).added;
        if (added === undefined) throw new LatchkeyError('ACCOUNT_DUPLICATE', 'an account with the same secret and type is already in the vault');
        return added;
      });
      return { account: viewOf(meta.id), warnings: [...warnings] };
    },
    'accounts.update': ({ id, patch }) => {
      // A key sent as undefined (structured clone keeps them) must not erase a field.
      const clean: Record<string, unknown> = Object.fromEntries(Object.entries(patch as Record<string, unknown>).filter(([, value]) => value !== undefined));
      for (const field of ['issuer', 'label'] as const) {
        if (typeof clean[field] === 'string') clean[field] = cleanDisplayText(clean[field], field).text;
      }
      host.session().update(id, clean);
      return { account: viewOf(id) };
    },
    'accounts.remove': ({ id }) => {
      const removed = removeAccountKeeping(host.session(), id);
      // A damaged row is removed without a copy: nothing to undo then.
      const undoUntil = removed === undefined ? null : Math.floor(undo.keep(removed) / 1000);
      return { removed: id, undoUntil };
    },
    'accounts.undoRemove': ({ id }) => {
      const session = host.session();
      undo.restore(id, (removed) => putBackAccount(session, removed));
      return { account: viewOf(id) };
    },
    'accounts.details': ({ id }) => {
      const session = host.session();
      const { createdAt, updatedAt } = session.account(id);
      const { note, recoveryCodes = [] } = session.extra(id);
      // Counts only: the codes themselves go out through accounts.recoveryCodes 'list', on request.
      const counts = { total: recoveryCodes.length, unused: recoveryCodes.filter((entry) => !entry.used).length };
      // Stored in ms; the wire speaks unix seconds everywhere.
      return { note: note ?? '', recoveryCodes: counts, createdAt: Math.floor(createdAt / 1000), updatedAt: Math.floor(updatedAt / 1000) };
    },
    'accounts.reorder': ({ ids }) => {
      host.session().reorder(ids);
      return {};
    },
    // The operation hears the touch a password+YubiKey vault waits for, and its Cancel stops it before the secret is read.
    'accounts.reveal': ({ id, password }, operation) =>
      afterReauth(
        host,
        password,
        (session) => {
          const meta = session.account(id);
          // The URI goes out only as its QR code: the seed is not sent a second time as text.
          return session.withSecret(id, (secret) => ({ secretBase32: encodeBase32(secret), qr: qrMatrix(formatOtpauthUri({ ...meta, secret })) }));
        },
        operation,
      ),
    'accounts.nextHotp': ({ id, peek }) => {
      const session = host.session();
      const { code, counter } = session.nextHotp(id, { peek });
      const view = accountView(session.account(id), { code, validFrom: null, validUntil: null });
      return { account: { ...view, counter: counter.toString() } };
    },
    /** The code goes to the clipboard from here: it never needs to pass through the renderer's. */
    'accounts.copyCode': async ({ id }) => {
      if (clipboard === undefined) return { copied: false, clearsAt: null, hotpCode: null };
      const session = host.session();
      const meta = session.account(id);
      const code = meta.type === 'hotp' ? { code: session.nextHotp(id, { peek: false }).code, validUntil: null } : session.code(id, clock.now());
      const clearsAt = await clipboard.copy(code.code, code.validUntil === null ? null : code.validUntil * 1000);
      return { copied: true, clearsAt: Math.floor(clearsAt / 1000), hotpCode: meta.type === 'hotp' ? code.code : null };
    },
    'accounts.recoveryCodes': (request, operation) => {
      const counts = (codes: readonly { used: boolean }[]) => ({ total: codes.length, unused: codes.filter((entry) => !entry.used).length });
      if (request.action === 'list') {
        // The codes themselves, only with the vault password again (like reveal).
        return afterReauth(
          host,
          request.vaultPassword,
          (session) => {
            const codes = session.extra(request.id).recoveryCodes ?? [];
            return { codes, ...counts(codes) };
          },
          operation,
        );
      }
      const session = host.session();
      const current = session.extra(request.id).recoveryCodes ?? [];
      if (request.action === 'markUsed' && !current.some((entry) => entry.code === request.code)) {
        throw new LatchkeyError('NOT_FOUND', 'that recovery code is not stored for this account');
      }
      const next =
        request.action === 'add'
          ? [...current, ...request.codes.map((code) => ({ code, used: false }))]
          : current.map((entry) => (entry.code === request.code ? { ...entry, used: true } : entry));
      session.update(request.id, { recoveryCodes: next });
      // Counts only: adding or marking must not become a way to read the codes without the password.
      return counts(next);
    },
  };
}

/** A URI's account, with the issuer and label given beside it (if any) in place of the URI's own. */
function draftFromUri(request: { uri: string; issuer?: string | undefined; label?: string | undefined }): { draft: AccountDraft; warnings: readonly string[] } {
  const parsed = parseOtpauthUri(request.uri);
  const draft = { ...parsed.draft };
  const warnings = [...parsed.warnings];
  for (const field of ['issuer', 'label'] as const) {
    const given = request[field];
    if (given === undefined) continue;
    const clean = cleanDisplayText(given, field);
    draft[field] = clean.text;
    if (clean.warning !== undefined) warnings.push(clean.warning);
  }
  return { draft, warnings };
}
