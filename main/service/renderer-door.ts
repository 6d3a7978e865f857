import { CLI_ONLY_FIELDS, isRendererChannel } from '../../shared/renderer-channels.js';
import type { ReplyEnvelope } from '../../shared/wire.js';

/** One request in, one reply envelope out: what every door hands its transport. */
export type Dispatch = (channel: unknown, payload: unknown) => Promise<ReplyEnvelope>;

const refused = (message: string): Promise<ReplyEnvelope> => Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message } });

/**
 * The page's door to the service, the same for Electron's ipcMain, the Chromium fallback's binding
 * and the e2e harness: only the channels the UI calls (shared/renderer-channels.ts), and no request
 * that sets a CLI-only field (seeds in a preview). Everything else reaches `dispatch` unchanged;
 * which frame may call is each transport's own check, made before this.
 */
export function rendererDoor(dispatch: Dispatch): Dispatch {
  return (channel, payload) => {
    if (!isRendererChannel(channel)) return refused('that channel is not served to the app’s page');
    if (typeof payload === 'object' && payload !== null) {
      const field = CLI_ONLY_FIELDS.find((name) => Object.hasOwn(payload, name) && (payload as Record<string, unknown>)[name] !== false);
      if (field !== undefined) return refused(`${field} is not available to the app’s page`);
    }
    return dispatch(channel, payload);
  };
}
