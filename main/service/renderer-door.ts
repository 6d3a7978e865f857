import { CLI_ONLY_FIELDS, CLI_ONLY_FIELDS_BY_CHANNEL, isRendererChannel, PAGE_REAUTH_RULES, pageVaultPassword, type RendererChannel } from '../../shared/renderer-channels.js';
import type { ReplyEnvelope } from '../../shared/wire.js';

/** One request in, one reply envelope out: what every door hands its transport. */
export type Dispatch = (channel: unknown, payload: unknown) => Promise<ReplyEnvelope>;

const refused = (message: string): Promise<ReplyEnvelope> => Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message } });

type Fields = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;

/** Whether `payload` sets the field at `path` (false counts as unset, as for CLI_ONLY_FIELDS). */
function sets(payload: Fields, path: readonly string[]): boolean {
  let value: unknown = payload;
  for (const name of path) {
    if (!isObject(value) || !Object.hasOwn(value, name)) return false;
    value = value[name];
  }
  return value !== undefined && value !== false;
}

/** Why the page may not send this request as it is, or null. */
function pageRefusal(channel: RendererChannel, payload: Fields): string | null {
  const field = CLI_ONLY_FIELDS.find((name) => Object.hasOwn(payload, name) && payload[name] !== false);
  if (field !== undefined) return `${field} is not available to the app’s page`;
  const path = CLI_ONLY_FIELDS_BY_CHANNEL[channel]?.find((candidate) => sets(payload, candidate));
  if (path !== undefined) return `${path.join('.')} is not available to the app’s page on ${channel}`;
  const needsPassword = PAGE_REAUTH_RULES[channel];
  if (needsPassword?.(payload) === true) {
    const password = pageVaultPassword(payload);
    if (typeof password !== 'string' || password === '') return `${channel} from the app’s page needs the vault password typed again (vaultPassword); nothing was changed`;
  }
  return null;
}

/**
 * The page's door to the service, the same for Electron's ipcMain, the Chromium fallback's binding
 * and the e2e harness: only the channels the UI calls (shared/renderer-channels.ts), no request that
 * sets a CLI-only field (seeds in a preview, a chosen HMAC key), and no irreversible key write without
 * the vault password typed again (PAGE_REAUTH_RULES; main checks it). Everything else reaches
 * `dispatch` unchanged; which frame may call is each transport's own check, made before this.
 */
export function rendererDoor(dispatch: Dispatch): Dispatch {
  return (channel, payload) => {
    if (!isRendererChannel(channel)) return refused('that channel is not served to the app’s page');
    if (isObject(payload)) {
      const refusal = pageRefusal(channel, payload);
      if (refusal !== null) return refused(refusal);
    }
    return dispatch(channel, payload);
  };
}
