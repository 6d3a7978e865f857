import { useEffect, useRef } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import type { DataError } from '../data/hooks.js';
import type { SyncApplyReply } from '../data/sync.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { PasswordAgain } from '../vault-settings/PasswordAgain.js';
import { keyLabel, type SyncTarget } from './ChooseKeys.js';
import { actionWord, targetOf, type ApplyTracker, type PlanCell } from './plan-table.js';
import { rowName } from './PlanTable.js';
import { syncErrorText } from './sync-errors.js';

/** Brings a block into view when it appears: the apply starts from a button below the table, its progress and report show above it. */
function useShownOnMount<E extends HTMLElement>(block: ScrollLogicalPosition) {
  const ref = useRef<E>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block });
  }, [block]);
  return ref;
}

/** The keys the apply writes to, in its order. */
function trackedKeys(tracker: ApplyTracker): string[] {
  return [...new Set(tracker.cells().map((entry) => targetOf(entry.cell)))];
}

/** The apply under way: the whole (a bar), each key's count, what main is doing now, and Cancel. */
export function ApplyProgress({ tracker, targets, stage, onCancel }: { tracker: ApplyTracker; targets: readonly SyncTarget[]; stage: string; onCancel: () => void }) {
  const all = tracker.count();
  const ref = useShownOnMount<HTMLDivElement>('nearest');
  return (
    <div className="sync-progress" data-testid="sync-progress" ref={ref}>
      <div className="operation" role="status">
        <progress aria-label="Written so far" value={all.written} max={Math.max(1, all.total)} />
        <span>{stage}</span>
        <button type="button" className="small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ul className="sync-key-progress" aria-label="Written on each key">
        {trackedKeys(tracker).map((key) => {
          const { written, total } = tracker.count(key);
          return (
            <li key={key}>
              <span>{keyLabel(targets, key)}</span>
              <span>
                {String(written)} of {String(total)} written
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** One part of the report, a line per key: its name, how many, and the accounts (an action other than add named before its account). */
function CellList({ title, cells, accounts, targets, testId }: { title: string; cells: readonly PlanCell[]; accounts: readonly AccountView[]; targets: readonly SyncTarget[]; testId: string }) {
  if (cells.length === 0) return null;
  const byKey = new Map<string, PlanCell[]>();
  for (const cell of cells) byKey.set(targetOf(cell), [...(byKey.get(targetOf(cell)) ?? []), cell]);
  const named = (cell: PlanCell) => {
    const name = rowName({ accountId: cell.accountId, name: cell.name }, accounts);
    return cell.action === 'add' ? name : `${actionWord(cell.action)} ${name}`;
  };
  return (
    <div className="sync-report-part">
      <h4>{title}</h4>
      <ul data-testid={testId}>
        {[...byKey].map(([key, onKey]) => (
          <li key={key}>
            <strong>
              {keyLabel(targets, key)} ({String(onKey.length)})
            </strong>
            : {onKey.map(named).join(', ')}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * After the apply: done (how each write was checked), or stopped (an unplug, a cancel, a failure)
 * with what was written, what may have been cut short and what wasn't, and Resume: main finds the
 * unfinished sync in its sync-progress record, plans afresh from the keys and writes the rest once.
 */
export function SyncReport({
  tracker,
  targets,
  accounts,
  reply,
  error,
  retryError,
  busy,
  onResume,
  onPlanAgain,
  onClose,
}: {
  tracker: ApplyTracker;
  targets: readonly SyncTarget[];
  accounts: readonly AccountView[];
  reply?: SyncApplyReply;
  error?: DataError;
  retryError?: DataError;
  busy: boolean;
  onResume: (vaultPassword: string) => Promise<unknown>;
  onPlanAgain: () => void;
  onClose: () => void;
}) {
  // A report longer than the window opens at its heading and reason, not at its end.
  const ref = useShownOnMount<HTMLElement>('start');
  const byState = (state: string) => tracker.cells().filter((entry) => entry.state === state).map((entry) => entry.cell);
  if (reply !== undefined) {
    const matched = reply.applied.filter((cell) => cell.check === 'code-match').length;
    return (
      <section className="sync-report" aria-labelledby="sync-done-title" data-testid="sync-report" ref={ref}>
        <h3 id="sync-done-title">Sync done</h3>
        <p role="status">
          {reply.applied.length === 0
            ? 'Everything was already on the keys.'
            : matched === reply.applied.length
              ? `${String(matched)} written and checked, each by its code on the key against the vault’s.`
              : `${String(reply.applied.length)} written and checked: ${String(matched)} by their code on the key, ${String(reply.applied.length - matched)} by the key’s listing (a counter or touch account can’t be computed without using it up).`}
        </p>
        <div className="row">
          <button type="button" className="primary" onClick={onClose}>
            Close
          </button>
          <button type="button" onClick={onPlanAgain}>
            Plan again
          </button>
        </div>
      </section>
    );
  }
  return (
    <section className="sync-report stopped" aria-labelledby="sync-stopped-title" data-testid="sync-report" ref={ref}>
      <h3 id="sync-stopped-title">Sync stopped</h3>
      <p role="alert">{error === undefined ? 'The sync stopped.' : syncErrorText(error)}</p>
      <CellList title="Written and checked" cells={byState('written')} accounts={accounts} targets={targets} testId="sync-written" />
      <CellList title="Cut short: checked and finished on resume" cells={byState('writing')} accounts={accounts} targets={targets} testId="sync-cut-short" />
      <CellList title="Not written yet" cells={byState('pending')} accounts={accounts} targets={targets} testId="sync-not-written" />
      <p className="hint">Plug the key back in if it was unplugged. Resume plans again from what the keys hold and writes only what is missing.</p>
      <PasswordAgain action="Resume" busy={busy} onConfirm={onResume} testId="sync-resume" />
      <ErrorAlert error={retryError} />
      <div className="row">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}
