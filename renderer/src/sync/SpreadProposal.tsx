import { useState } from 'react';
import type { SyncPlanReply } from '../data/sync.js';

/**
 * When the accounts don't fit, main writes nothing (KEY_FULL): the way out it proposes is a spread,
 * each account on N of the keys (in the user's order, while there is room; one left without room is
 * named in a warning). Once spread, the plan can go back to every account on every key.
 */
export function SpreadProposal({ plan, keyCount, spread, busy, onSpread }: { plan: SyncPlanReply; keyCount: number; spread: number | undefined; busy: boolean; onSpread: (copies: number | undefined) => void }) {
  const most = Math.max(1, Math.min(16, keyCount));
  const [copies, setCopies] = useState(Math.min(2, most));
  if (plan.fits && spread === undefined) return null;
  if (plan.fits && spread !== undefined) {
    return (
      <div className="row sync-spread">
        <p className="hint">
          Spread: each account on {spread === 1 ? 'one key' : `${String(spread)} keys`}, where there is room.
        </p>
        <button type="button" className="small" disabled={busy} onClick={() => { onSpread(undefined); }}>
          Every account on every key
        </button>
      </div>
    );
  }
  const over = plan.room.filter((room) => !room.fits).length;
  return (
    <div className="warning sync-spread" role="alert" data-testid="sync-spread">
      <p>
        {over === 1 ? 'One key' : `${String(over)} keys`} can’t hold all these accounts, so nothing would be written. Spread them: each account goes on fewer keys, in your order, while there is room.
      </p>
      <div className="row">
        <label>
          Each account on
          <select value={copies} onChange={(event) => { setCopies(Number(event.target.value)); }}>
            {Array.from({ length: most }, (_, index) => index + 1).map((count) => (
              <option key={count} value={count}>
                {count === 1 ? '1 key' : `${String(count)} keys`}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" disabled={busy} onClick={() => { onSpread(copies); }}>
          Plan with the spread
        </button>
      </div>
    </div>
  );
}
