import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page's first script is a small entry (main.tsx) that sends the first requests and then imports
 * the app (start.tsx). So that the app's chunk and its stylesheet are fetched and compiled alongside
 * the entry rather than after it, the page names them in its <head>: a modulepreload for each chunk the
 * app needs, and the stylesheet (the import then finds both loaded).
 */
function preloadApp(): Plugin {
  return {
    name: 'latchkey-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const bundle = context.bundle ?? {};
        const chunks = Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [output] : []));
        const app = chunks.find((chunk) => chunk.facadeModuleId?.endsWith('/src/start.tsx') === true);
        if (app === undefined) throw new Error('preload-app: no chunk for src/start.tsx');
        const scripts = [app.fileName, ...app.imports].filter((file) => file !== context.chunk?.fileName);
        const styles = [...(app.viteMetadata?.importedCss ?? [])];
        return [
          ...styles.map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', href: `./${file}` }, injectTo: 'head' as const })),
          ...scripts.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', href: `./${file}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

/** The renderer: relative asset paths, so Electron's file:// and the e2e origin both load it. */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), preloadApp()],
  // Loaded from local disk, never a network: the first screen is one chunk (icons included) fetched beside the
  // entry; the panels are chunks of their own (app/panels.tsx), fetched once the list is shown.
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: false, sourcemap: false, chunkSizeWarningLimit: 800 },
});
