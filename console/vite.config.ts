import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console: built into dist/console and served by `stepwise serve` at `/`. `npm run console:dev`
 * proxies the API to a server on 127.0.0.1:8083.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: {
    proxy: {
      '^/$': { target: 'http://127.0.0.1:8083' },
      '/console/api': { target: 'http://127.0.0.1:8083' },
      '^/console/sign-(in|out)$': { target: 'http://127.0.0.1:8083' },
      '/cluster/': { target: 'http://127.0.0.1:8083' },
    },
  },
});
