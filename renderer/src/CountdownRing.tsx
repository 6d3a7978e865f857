import type { CSSProperties } from 'react';
import './countdown-ring.css';

/**
 * Time left in the code's window, as a ring that empties. The emptying is CSS animations of
 * transform only, one pair per window (started part-way through by a negative delay), so the
 * compositor runs them: neither React nor the page's style, layout and paint passes do anything
 * while the rings turn, however many rows are shown.
 */
export function CountdownRing({ validFrom, period, ending }: { validFrom: number; period: number; ending: boolean }) {
  const elapsed = Math.max(0, Date.now() / 1000 - validFrom);
  const style = { '--ring-period': `${String(period)}s`, '--ring-delay': `-${elapsed.toFixed(2)}s` } as CSSProperties;
  return (
    <span key={validFrom} className={`ring${ending ? ' ending' : ''}`} style={style} aria-hidden="true">
      <span className="ring-half right">
        <span className="ring-turn" />
      </span>
      <span className="ring-half left">
        <span className="ring-turn" />
      </span>
    </span>
  );
}
