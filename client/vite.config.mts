import { defineConfig } from 'vite';

/**
 * The web client: built into client/dist, which the service serves at `/` (its API stays under
 * `/api`). `npm run dev:client` serves it with hot reload and sends `/api` to a service on
 * port 3000 (or VITE_API_TARGET).
 */
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // bpmn-js with its properties panel is one large chunk, loaded once.
    chunkSizeWarningLimit: 4096,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': process.env.VITE_API_TARGET ?? 'http://localhost:3000' },
  },
});
