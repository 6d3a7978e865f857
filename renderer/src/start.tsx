import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { QuickSearch } from './quick/QuickSearch.js';
import './styles.css';
import { startSession } from './app/session.js';
import { applyStoredTheme } from './theme.js';

applyStoredTheme();
startSession();

const root = document.getElementById('root');
// The quick-search window loads the same page with #quick: the same door, the same channels.
const quick = window.location.hash === '#quick';
if (root !== null) {
  createRoot(root).render(<StrictMode>{quick ? <QuickSearch /> : <App />}</StrictMode>);
}
