/**
 * Builds the auditor's web app into dist/web, which the server serves at `/`.
 * JSX goes through vite's own transform (oxc) with Preact's runtime.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // One script and one stylesheet, both same-origin: the app needs no inline script.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // `vite` (dev) proxies the API to a server started with `npm start`.
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
