import type { IpcMainInvokeEvent } from 'electron';
import { RENDERER_CHANNELS, type RendererChannel } from '../../shared/renderer-channels.js';
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
 * Wires the page's channels (and only those: shared/renderer-channels.ts) to the renderer door.
 * Payloads are parsed by the service (zod, both ways); the sender is checked here, the channel list
 * and CLI-only fields by the door (main/service/renderer-door.ts), which `door` must be.
 */
export function registerIpc(ipcMain: IpcMainLike, door: (channel: RendererChannel, payload: unknown) => Promise<ReplyEnvelope>, appUrl: string): readonly RendererChannel[] {
  for (const channel of RENDERER_CHANNELS) {
    ipcMain.handle(channel, (event, payload) => {
      if (!isTrustedSender(event.senderFrame, appUrl)) {
        return Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: 'request from an untrusted frame refused' } });
      }
      return door(channel, payload);
    });
  }
  return RENDERER_CHANNELS;
}
