import { lazy } from 'react';

/*
 * The list screen's dialogs, each in a chunk of its own: the first screen of rows does not wait for
 * their code (nor for zod, which only the settings bring) to be fetched and compiled. Once the list is
 * shown, preloadDialogs fetches them while the user reads, so that opening one waits for nothing.
 */
const loadAdd = () => import('../add/AddDialog.js');
const loadDetails = () => import('../details/DetailsDialog.js');
const loadSettings = () => import('../settings/SettingsDialog.js');

export const AddDialog = lazy(() => loadAdd().then((module) => ({ default: module.AddDialog })));
export const DetailsDialog = lazy(() => loadDetails().then((module) => ({ default: module.DetailsDialog })));
export const SettingsDialog = lazy(() => loadSettings().then((module) => ({ default: module.SettingsDialog })));

export function preloadDialogs(): void {
  for (const load of [loadAdd, loadDetails, loadSettings]) load().catch(() => undefined);
}
