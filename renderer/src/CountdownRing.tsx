import type { CSSProperties } from 'react';

const CIRCUMFERENCE = 2 * Math.PI * 9;

/**
 * Time left in the code's window, as a ring that empties. The emptying is one CSS animation per
 * window (started part-way through by a negative delay), so a list of a thousand rows does not
 * re-render every second to move its rings.
 */
export function CountdownRing({ validFrom, period, ending }: { validFrom: number; period: number; ending: boolean }) {
  const elapsed = Math.max(0, Date.now() / 1000 - validFrom);
  const style = {
    '--circumference': String(CIRCUMFERENCE),
    animationDuration: `${String(period)}s`,
    // Four steps a second look continuous at this size, and spare the page a style pass every frame.
    animationTimingFunction: `steps(${String(period * 4)}, end)`,
    animationDelay: `-${elapsed.toFixed(2)}s`,
  } as CSSProperties;
  return (
    <svg className={`ring${ending ? ' ending' : ''}`} viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="9" className="track" />
      <circle key={validFrom} cx="12" cy="12" r="9" className="left" strokeDasharray={CIRCUMFERENCE} style={style} />
    </svg>
  );
}
