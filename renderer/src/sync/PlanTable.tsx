import type { AccountView } from '../../../shared/vault-api.js';
import type { SyncPlanReply } from '../data/sync.js';
import { displayName } from '../ui/format.js';
import { keyLabel, type SyncTarget } from './ChooseKeys.js';
import { actionMeaning, actionWord, cellId, targetOf, planKeys, planRows, roomText, writesCell, type ApplyTracker, type CellProgress, type PlanCell, type PlanRow } from './plan-table.js';

/** A row's name in words: the vault account's issuer and label, or the credential's name on the key when the vault has no such account. */
export function rowName(row: Pick<PlanRow, 'accountId' | 'name'>, accounts: readonly AccountView[]): string {
  const account = row.accountId === undefined ? undefined : accounts.find((candidate) => candidate.id === row.accountId);
  if (account === undefined) return row.name;
  return account.issuer === '' ? account.label : `${displayName(account)} (${account.label})`;
}

/** The row's header: the issuer over the label, as the accounts list shows them. */
function RowHeader({ row, accounts }: { row: PlanRow; accounts: readonly AccountView[] }) {
  const account = row.accountId === undefined ? undefined : accounts.find((candidate) => candidate.id === row.accountId);
  return (
    <th scope="row">
      {account === undefined || account.issuer === '' ? (
        <span className="sync-issuer">{account?.label ?? row.name}</span>
      ) : (
        <>
          <span className="sync-issuer">{account.issuer}</span> <span className="sync-label">{account.label}</span>
        </>
      )}
    </th>
  );
}

const PROGRESS_WORDS: Record<CellProgress, string> = { pending: 'To write', writing: 'Writing…', written: 'Written' };

/** One cell: its action in a word (its reason as the tooltip and, for screen readers, in the text), or where the apply is. */
function Cell({ cell, progress, writes }: { cell: PlanCell | undefined; progress: CellProgress | undefined; writes: boolean }) {
  if (cell === undefined) {
    return (
      <td className="sync-cell none">
        <span aria-hidden="true">–</span>
        <span className="sync-sr">not on this key, not planned</span>
      </td>
    );
  }
  const meaning = actionMeaning(cell);
  const word = progress !== undefined && writes ? PROGRESS_WORDS[progress] : actionWord(cell.action);
  const state = progress !== undefined && writes ? progress : writes ? 'writes' : cell.action;
  return (
    <td className={`sync-cell ${state}`} title={`${actionWord(cell.action)}: ${meaning}`} data-action={cell.action} data-testid="sync-cell">
      <span className="sync-word">{word}</span>
      {cell.optIn === true && !writes && <span className="sync-optin"> (if ticked)</span>}
      <span className="sync-sr">: {meaning}</span>
    </td>
  );
}

/**
 * The plan as a table, accounts × keys. In a 440 px window it scrolls sideways inside its own box
 * (the account names stay put at the left), so no cell is ever cut off.
 */
export function PlanTable({
  plan,
  accounts,
  targets,
  chosen,
  tracker,
}: {
  plan: SyncPlanReply;
  accounts: readonly AccountView[];
  targets: readonly SyncTarget[];
  chosen: ReadonlySet<string>;
  tracker?: ApplyTracker | undefined;
}) {
  const keys = planKeys(plan);
  const rows = planRows(plan);
  return (
    <div className="sync-table-scroll" role="region" aria-label="The plan, accounts by keys" tabIndex={0}>
      <table className="sync-table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            {keys.map((key) => (
              <th scope="col" key={key}>
                {keyLabel(targets, key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <RowHeader row={row} accounts={accounts} />
              {keys.map((key) => {
                const cell = row.cells.get(key);
                return <Cell key={key} cell={cell} progress={cell === undefined ? undefined : tracker?.state(cell)} writes={cell !== undefined && writesCell(cell, chosen)} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Each key's room after the plan: used of the most it holds, and free; a key over it said so. */
export function PlanRoom({ plan, targets }: { plan: SyncPlanReply; targets: readonly SyncTarget[] }) {
  return (
    <ul className="sync-room" aria-label="Room on each key after the plan">
      {plan.room.map((room) => (
        <li key={targetOf(room)} className={room.fits ? '' : 'over'} data-testid="sync-room">
          <strong>{keyLabel(targets, targetOf(room))}</strong>
          <meter min={0} max={room.capacity} value={Math.min(room.after, room.capacity)} aria-label={`${keyLabel(targets, targetOf(room))} room`} />
          <span>{roomText(room)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Why cells say what they say, for the cells main gave a reason: readable without hovering. */
export function PlanReasons({ plan, accounts, targets }: { plan: SyncPlanReply; accounts: readonly AccountView[]; targets: readonly SyncTarget[] }) {
  const explained = plan.actions.filter((cell) => cell.reason !== undefined && cell.reason !== '');
  if (explained.length === 0) return null;
  return (
    <details className="sync-reasons" open={explained.length <= 3}>
      <summary>Why ({String(explained.length)})</summary>
      <ul>
        {explained.map((cell) => (
          <li key={cellId(cell)}>
            <strong>{rowName({ accountId: cell.accountId, name: cell.name }, accounts)}</strong> on {keyLabel(targets, targetOf(cell))}: {actionWord(cell.action)}, {cell.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Removals, renames and overwrites of what Latchkey did not write: applied only when ticked here. */
export function PlanChoices({
  plan,
  accounts,
  targets,
  chosen,
  onChosenChange,
}: {
  plan: SyncPlanReply;
  accounts: readonly AccountView[];
  targets: readonly SyncTarget[];
  chosen: ReadonlySet<string>;
  onChosenChange: (next: Set<string>) => void;
}) {
  const optional = plan.actions.filter((cell) => cell.optIn === true);
  if (optional.length === 0) return null;
  return (
    <fieldset className="choices">
      <legend>Also do, only if you tick it</legend>
      {optional.map((cell) => (
        <label key={cellId(cell)} className="check">
          <input
            type="checkbox"
            checked={cell.chosen === true || chosen.has(cellId(cell))}
            disabled={cell.chosen === true}
            onChange={(event) => {
              const next = new Set(chosen);
              if (event.target.checked) next.add(cellId(cell));
              else next.delete(cellId(cell));
              onChosenChange(next);
            }}
          />
          <span>
            {actionWord(cell.action)} {rowName({ accountId: cell.accountId, name: cell.name }, accounts)} on {keyLabel(targets, targetOf(cell))}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
