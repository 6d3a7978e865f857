/** A removed account, while main can still put it back. */
export interface PendingUndo {
  readonly id: string;
  readonly name: string;
  /** Unix seconds, from main: after this the removal can't be undone. */
  readonly until: number;
}

/**
 * What every panel is given: what it was opened on, the way to close it, and what it may tell the
 * accounts screen under it (given here, so that a panel needs nothing of the app's state).
 */
export interface PanelProps<P extends object = Record<string, never>> {
  readonly params: P;
  readonly close: () => void;
  /** Closes the panel and says `text` in the list's notice (an account added). */
  readonly closeWithNotice: (text: string) => void;
  /** Closes the panel and offers to undo a removal. */
  readonly closeWithUndo: (pending: PendingUndo) => void;
  /** Opens the vault, backups, keys or sync panel in this one's place (from Settings or the keys panel; a panel can't import the app's state: a cycle). */
  readonly switchTo: (name: 'vault' | 'backups' | 'keys' | 'sync') => void;
}
