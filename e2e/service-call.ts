import type { AppPage } from './harness.js';

/** A request straight to the app's service (a test's setup or check, not the page's): its value, or an Error naming the code. */
export async function callService(app: AppPage, channel: string, payload: unknown): Promise<unknown> {
  const reply = await app.service.dispatch(channel, payload);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}
