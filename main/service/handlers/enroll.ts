import { randomUUID } from 'node:crypto';
import type { AccountDraft } from '../../../shared/account.js';
import type { Candidate, EnrollResult } from '../../../shared/enroll-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { BatchTracker, decodeQrImage, QrError, readEnrollmentTexts, type FoundAccounts } from '../../enroll/index.js';
import { accountDraftView } from '../account-input.js';
import type { ScreenCapture } from '../capture.js';
import type { UserPrompts } from '../user-prompts.js';
import type { HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

type EnrollChannel = 'enroll.decodeImage' | 'enroll.decodeText' | 'enroll.captureScreen' | 'enroll.commit';

const MAX_PENDING = 2000;

/**
 * Enrollment: decode, show previews (no secrets), then commit the ones the user picks. Candidates
 * wait here, in the main process, between the two steps; the renderer only ever holds their ids.
 */
export function enrollHandlers(host: VaultHost, capture: ScreenCapture | undefined, prompts: UserPrompts | undefined): HandlersFor<EnrollChannel> {
  const pending = new Map<string, AccountDraft>();
  const batches = new BatchTracker();
  // Scanned secrets do not outlive the unlock that could have committed them: a commit made after
  // a lock and a new unlock finds nothing pending.
  host.onLock(() => {
    for (const draft of pending.values()) draft.secret.fill(0);
    pending.clear();
  });

  function present(found: FoundAccounts, source: string, showSecrets: boolean): EnrollResult {
    const known = host.duplicateKeysIfUnlocked();
    const candidates: Candidate[] = found.accounts.map((draft) => {
      const id = randomUUID();
      pending.set(id, draft);
      const duplicate = known?.has(host.session().duplicateKey(draft.type, draft.secret)) === true;
      return { ...accountDraftView(draft, showSecrets), id, source, duplicate };
    });
    while (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value ?? '');
    for (const batch of found.batches) batches.record(batch);
    const batchIds = [...new Set(found.batches.map((batch) => batch.id))];
    return {
      candidates,
      invalid: [...found.invalid],
      warnings: [...found.warnings],
      batches: batchIds.flatMap((id) => batches.progress(id) ?? []),
    };
  }

  async function decodeImages(images: readonly Uint8Array[], source: string, showSecrets: boolean): Promise<EnrollResult> {
    const texts: string[] = [];
    let lastError: unknown;
    for (const image of images) {
      try {
        texts.push(...(await decodeQrImage(image)));
      } catch (error) {
        if (!(error instanceof QrError) || error.code !== 'QR_NOT_FOUND') throw error;
        lastError = error;
      }
    }
    if (texts.length === 0) throw lastError instanceof Error ? lastError : new QrError('QR_NOT_FOUND', 'no QR code was found');
    return present(readEnrollmentTexts(texts), source, showSecrets);
  }

  return {
    'enroll.decodeImage': ({ imageBase64, source, showSecrets }) => decodeImages([base64Bytes(imageBase64)], source, showSecrets),
    'enroll.decodeText': ({ text, source, showSecrets }) => present(readEnrollmentTexts([text]), source, showSecrets),
    'enroll.captureScreen': async ({ showSecrets }) => {
      if (capture === undefined) throw new LatchkeyError('CAPTURE_UNAVAILABLE', 'screen capture is not available here');
      // Never on the caller's word alone: the user agrees in main's own UI (the CLI's prompts agree at
      // once, since its command is the user's). A service made without prompts captures nothing.
      if (prompts === undefined || !(await prompts.confirmCapture())) throw new LatchkeyError('CAPTURE_DENIED', 'the screen capture was not allowed');
      return decodeImages(await capture.capture(), 'screen', showSecrets);
    },
    'enroll.commit': ({ ids, includeDuplicates }) => {
      const drafts = ids.map((id) => {
        const draft = pending.get(id);
        if (draft === undefined) throw new LatchkeyError('NOT_FOUND', 'that scanned account is no longer pending; scan again', { id });
        return draft;
      });
      const { added, skipped } = host.session().addNew(drafts, { includeDuplicates });
      for (const id of ids) pending.delete(id);
      return { added: added.map((account) => account.id), skipped: skipped.map((index) => ids[index] ?? '') };
    },
  };
}


function base64Bytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new QrError('QR_INVALID_IMAGE', 'the image did not arrive as Base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}
