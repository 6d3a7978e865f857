import { memo, useEffect, type DragEvent, type KeyboardEvent } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { CountdownRing } from '../CountdownRing.js';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { displayName } from '../ui/format.js';
import { HideableCode } from '../ui/HideableCode.js';

export interface RowActions {
  readonly copy: (account: AccountView) => void;
  readonly open: (account: AccountView) => void;
  /** Moves the account one place up (-1) or down (+1): the keyboard's way to reorder. */
  readonly move: (account: AccountView, by: -1 | 1) => void;
  readonly dragStart: (account: AccountView) => void;
  readonly dragOver: (account: AccountView) => void;
  readonly drop: () => void;
  /** Asks for the next code of a row entering its last seconds (the list batches the asks). */
  readonly wantNextCode: (account: AccountView) => void;
}

interface RowProps {
  readonly account: AccountView;
  readonly ending: boolean;
  readonly next: string | undefined;
  readonly reorderable: boolean;
  readonly dragging: boolean;
  readonly actions: RowActions;
}

/**
 * One account. Memoised on what it shows, so a move of the list's clock (a row entering its last
 * seconds) re-renders only the rows whose "ending" state changed.
 */
export const AccountRow = memo(function AccountRow({ account, ending, next, reorderable, dragging, actions }: RowProps) {
  // Only rows on screen preview their next code, so only they ask for it.
  useEffect(() => {
    if (ending && next === undefined) actions.wantNextCode(account);
  }, [ending, next, account, actions]);
  const name = displayName(account);
  const fullName = account.issuer === '' ? account.label : `${account.issuer} ${account.label}`.trim();
  const onHandleKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      actions.move(account, event.key === 'ArrowUp' ? -1 : 1);
    }
  };
  const dragProps = reorderable
    ? {
        draggable: true,
        onDragStart: (event: DragEvent) => {
          event.dataTransfer.effectAllowed = 'move';
          actions.dragStart(account);
        },
        onDragOver: (event: DragEvent) => {
          event.preventDefault();
          actions.dragOver(account);
        },
        onDrop: (event: DragEvent) => {
          event.preventDefault();
          actions.drop();
        },
        onDragEnd: () => {
          actions.drop();
        },
      }
    : {};
  return (
    <div className={`account${dragging ? ' dragging' : ''}`} data-id={account.id} {...dragProps}>
      {reorderable && (
        <button type="button" className="handle" aria-label={`Move ${fullName} (arrow keys)`} title="Drag, or use the arrow keys, to reorder" onKeyDown={onHandleKey}>
          <span aria-hidden="true">⋮⋮</span>
        </button>
      )}
      <IssuerIcon issuer={account.issuer} label={account.label} />
      <button type="button" className="names" aria-label={`Details for ${fullName}`} onClick={() => { actions.open(account); }}>
        <span className="issuer">{name}</span>
        {account.issuer !== '' && account.label !== '' && <span className="label">{account.label}</span>}
        {account.tags.length > 0 && (
          <span className="tags">
            {account.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </span>
        )}
      </button>
      <div className="code-cell">
        <button
          type="button"
          className={account.code === null ? 'code-on-demand' : `code${ending ? ' ending' : ''}`}
          data-testid="code"
          aria-label={account.type === 'hotp' ? `Make and copy the next code for ${fullName}` : `Copy the code for ${fullName}`}
          onClick={() => { actions.copy(account); }}
        >
          {account.code === null ? (
            account.type === 'hotp' ? 'Get code' : '••••••'
          ) : (
            <HideableCode code={account.code} />
          )}
        </button>
        {next !== undefined && (
          <span className="next-code" data-testid="next-code">
            next <HideableCode code={next} />
          </span>
        )}
      </div>
      {account.validFrom !== null && account.period !== undefined ? (
        <CountdownRing validFrom={account.validFrom} period={account.period} ending={ending} />
      ) : (
        <span className="ring-placeholder" aria-hidden="true" />
      )}
    </div>
  );
});
