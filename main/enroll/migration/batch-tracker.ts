import type { BatchProgress } from '../../../shared/enroll-api.js';
import type { MigrationBatch } from './parse-migration-uri.js';

/**
 * Remembers which QR codes of a multi-part export have been seen, so the user can be told which are
 * still missing. Parts may arrive in any order, one or several at a time.
 */
export class BatchTracker {
  private readonly batches = new Map<number, { size: number; received: Set<number> }>();

  record(batch: MigrationBatch): void {
    const known = this.batches.get(batch.id);
    if (known?.size !== batch.size) this.batches.set(batch.id, { size: batch.size, received: new Set([batch.index]) });
    else known.received.add(batch.index);
  }

  progress(id: number): BatchProgress | undefined {
    const known = this.batches.get(id);
    if (known === undefined) return undefined;
    const all = Array.from({ length: known.size }, (_, i) => i);
    return { batchId: id, size: known.size, received: all.filter((i) => known.received.has(i)), missing: all.filter((i) => !known.received.has(i)) };
  }
}
