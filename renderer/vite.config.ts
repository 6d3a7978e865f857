import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer: relative asset paths, so Electron's file:// and the e2e origin both load it. */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  // Loaded from local disk, never a network: one bundle (icons included) beats lazy chunks that flash.
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: false, sourcemap: false, chunkSizeWarningLimit: 800 },
});
