import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { PanelProps } from './panel-props.js';

export interface Panel<P extends object> {
  readonly load: () => Promise<unknown>;
  readonly Component: LazyExoticComponent<ComponentType<PanelProps<P>>>;
  /** Fetched once the list is shown, so that opening it waits for nothing. */
  readonly preload: boolean;
}

function panel<P extends object>(load: () => Promise<ComponentType<PanelProps<P>>>, { preload = true } = {}): Panel<P> {
  return { load, preload, Component: lazy(() => load().then((component) => ({ default: component }))) };
}

/*
 * The panels over the accounts screen, each in a chunk of its own: the first screen of rows does not
 * wait for their code (nor for zod, which only the settings bring). A new panel is one entry here; it
 * is opened with openPanel(name, params), and its params' type comes from its component's props.
 */
export const PANELS = {
  add: panel(() => import('../add/AddDialog.js').then((module) => module.AddDialog)),
  details: panel(() => import('../details/DetailsDialog.js').then((module) => module.DetailsDialog)),
  settings: panel(() => import('../settings/SettingsDialog.js').then((module) => module.SettingsDialog)),
  vault: panel(() => import('../vault-settings/VaultSettingsDialog.js').then((module) => module.VaultSettingsDialog), { preload: false }),
  backups: panel(() => import('../backups/BackupsDialog.js').then((module) => module.BackupsDialog), { preload: false }),
  keys: panel(() => import('../keys/KeysDialog.js').then((module) => module.KeysDialog), { preload: false }),
  sync: panel(() => import('../sync/SyncDialog.js').then((module) => module.SyncDialog), { preload: false }),
  recovery: panel(() => import('../RecoveryFollowUp.js').then((module) => module.RecoveryFollowUp), { preload: false }),
};

export type PanelName = keyof typeof PANELS;
export type PanelParams<K extends PanelName> = (typeof PANELS)[K] extends Panel<infer P> ? P : never;

export function preloadPanels(): void {
  for (const entry of Object.values(PANELS)) if (entry.preload) entry.load().catch(() => undefined);
}
