import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The HR dashboard: built into dashboard/dist and served by the API at /.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  logLevel: 'warn',
});
