import type { IpcMainInvokeEvent } from 'electron';
import { CHANNELS, type Channel } from '../../shared/api.js';
import type { ReplyEnvelope } from '../../shared/wire.js';

/** The part of Electron's WebFrameMain the check needs: where it is and whether it is a top frame. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * The one choke point for IPC (after electron/fiddle): a message is served only when it comes from
 * the top frame of our own page. A null sender (a frame already gone), a sub-frame, or any other URL
 * (a page that got navigated, injected content) is dropped before the service sees it.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  // No frame (undefined parent too) or a sub-frame (a parent): refused.
  if (frame?.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    const app = new URL(appUrl);
    return url.protocol === app.protocol && url.host === app.host && url.pathname === app.pathname;
  } catch {
    return false;
  }
}

/** What the app's main process needs of ipcMain: only `handle` (typed so tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, payload: unknown) => Promise<ReplyEnvelope>): void;
}

/**
 * Wires every channel of the contract to the service's dispatch. Payloads are parsed by the service
 * (zod, both ways); the sender is checked here.
 */
export function registerIpc(ipcMain: IpcMainLike, dispatch: (channel: Channel, payload: unknown) => Promise<ReplyEnvelope>, appUrl: string): readonly Channel[] {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload) => {
      if (!isTrustedSender(event.senderFrame, appUrl)) {
        return Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: 'request from an untrusted frame refused' } });
      }
      return dispatch(channel, payload);
    });
  }
  return CHANNELS;
}
