import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server the dev server forwards `/api` to; `npm start` listens there by default. */
const apiTarget = process.env.ESTATE_API_URL ?? 'http://127.0.0.1:8420';

/**
 * Builds the single-page UI into `apps/web/dist`, which the server serves with an index.html fallback.
 * `npm run dev -w apps/web` serves it with hot reload and forwards API calls to a running server.
 * The one default export in the UI: Vite only reads its config from there.
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget },
    },
  },
});
