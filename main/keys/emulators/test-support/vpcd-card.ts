import { connectToVpcd, type VpcdConnection } from '../yubikey-oath.js';
import type { VpcdCard } from '../yubikey-oath/vpcd.js';
import type { PrivatePcscd } from '../pcscd/private-pcscd.js';

/**
 * Puts an emulated card (e.g. `openEmulatedYubiKeyOath()`) into a private pcscd's vpcd reader and
 * resolves once pcscd has powered it on, so PC/SC clients (ykman, our transport) can connect at
 * once. Slot 0 is `pcscd.readerName`, slot 1 the same name ending " 00 01".
 */
export interface InsertedCard {
  readonly readerName: string;
  readonly connection: VpcdConnection;
  /** Takes the card out (pcscd sees it removed). */
  remove(): Promise<void>;
}

export async function insertEmulatedCard(pcscd: PrivatePcscd, card: VpcdCard, options: { slot?: 0 | 1; timeoutMs?: number } = {}): Promise<InsertedCard> {
  const slot = options.slot ?? 0;
  const connection = await connectToVpcd(card, '127.0.0.1', pcscd.vpcdPort + slot, { retryForMs: 5_000 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.inserted,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`pcscd did not power the card on within ${String(timeoutMs)} ms:\n${pcscd.log()}`)); }, timeoutMs);
      }),
    ]);
  } catch (error) {
    await connection.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    readerName: slot === 0 ? pcscd.readerName : pcscd.readerName.replace(/ 00 00$/, ' 00 01'),
    connection,
    remove: () => connection.close(),
  };
}
