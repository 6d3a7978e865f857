/**
 * Questions main asks the user itself, never on the page's word (SECURITY-NOTES §9.7): where a file
 * goes, and whether the screen may be captured. Each door injects its own: Electron's native dialogs,
 * the Chromium fallback's prompt window, a script in e2e. The page never names a filesystem path.
 */
export interface PathRequest {
  /** What the user is choosing, for the dialog's title and button. */
  readonly purpose: 'export' | 'backup' | 'backup-folder' | 'recovery-key' | 'backup-open';
  /** A new file to write, an existing file to read (a backup to verify or restore), or an existing folder to write into. */
  readonly kind: 'save-file' | 'open-file' | 'folder';
  /** The file name offered (no folder), for `save-file`. */
  readonly suggestedName?: string;
}

export interface UserPrompts {
  /** The absolute path the user chose, or undefined when they cancelled. */
  pickPath(request: PathRequest): Promise<string | undefined>;
  /** True only when the user agreed, in main's own UI, to a screenshot of every display now. */
  confirmCapture(): Promise<boolean>;
}
