import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';

/** A row's height before it is measured (one line of name and label, the code beside them). */
const ESTIMATED_ROW_PX = 72;

/**
 * The list, windowed: only the rows on screen (and a few either side) are in the DOM, so a vault of
 * thousands opens as fast as one of twenty and a move of the list's clock touches a screenful of rows.
 * Rows are measured as they render, so tags, the next-code line and large text are all fine.
 */
export function AccountList({ accounts, render }: { accounts: readonly AccountView[]; render: (account: AccountView) => ReactNode }) {
  const listRef = useRef<HTMLUListElement>(null);
  const [offset, setOffset] = useState(0);
  // The list starts below the toolbar, tag row and notices, whose heights change: measured each render.
  useLayoutEffect(() => {
    const top = listRef.current?.offsetTop ?? 0;
    if (top !== offset) setOffset(top);
  });
  const virtualizer = useWindowVirtualizer({
    count: accounts.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 6,
    scrollMargin: offset,
    getItemKey: (index) => accounts[index]?.id ?? index,
  });
  return (
    <ul ref={listRef} className="accounts" aria-label="Accounts" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => {
        const account = accounts[item.index];
        if (account === undefined) return null;
        return (
          <li
            key={item.key}
            ref={virtualizer.measureElement}
            data-index={item.index}
            data-id={account.id}
            className="account-slot"
            style={{ transform: `translateY(${String(item.start - virtualizer.options.scrollMargin)}px)` }}
          >
            {render(account)}
          </li>
        );
      })}
    </ul>
  );
}
