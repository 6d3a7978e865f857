import { Suspense } from 'react';
import { closePanel, dispatch, openPanel, useAppState } from './app-state.js';
import type { PendingUndo } from './panel-props.js';
import { PANELS, type Panel } from './panels.js';

function switchTo(name: 'vault' | 'backups' | 'keys' | 'sync'): void {
  openPanel(name, {});
}

function closeWithNotice(text: string): void {
  closePanel();
  dispatch({ type: 'notice', text });
}

function closeWithUndo(pending: PendingUndo): void {
  dispatch({ type: 'removed', pending });
}

/** The open panel, if any, over the accounts. */
export function PanelHost() {
  const { panel: open } = useAppState();
  if (open === undefined) return null;
  const { Component } = PANELS[open.name] as Panel<typeof open.params>;
  return (
    <Suspense fallback={null}>
      <Component key={open.name} params={open.params} close={closePanel} closeWithNotice={closeWithNotice} closeWithUndo={closeWithUndo} switchTo={switchTo} />
    </Suspense>
  );
}
