/** A long step in progress (a KDF, an import, a scan): a spinner and what is happening, announced politely. */
export function Progress({ children }: { children: string }) {
  return (
    <p className="progress" role="status">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}
