/** Time left in the code's window, as a ring that empties; red in the last five seconds. */
export function CountdownRing({ secondsLeft, period }: { secondsLeft: number; period: number }) {
  const fraction = Math.max(0, Math.min(1, secondsLeft / period));
  const circumference = 2 * Math.PI * 9;
  return (
    <svg className={`ring${secondsLeft <= 5 ? ' ending' : ''}`} viewBox="0 0 24 24" role="img" aria-label={`${String(secondsLeft)} seconds left`}>
      <circle cx="12" cy="12" r="9" className="track" />
      <circle cx="12" cy="12" r="9" className="left" strokeDasharray={circumference} strokeDashoffset={circumference * (1 - fraction)} />
    </svg>
  );
}
