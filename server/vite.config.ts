import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The server compiled to plain JavaScript for production (`node server/dist/main.js`): one ES
 * module with `@grassroots/shared` inlined (it is TypeScript, consumed from source) and every
 * package from node_modules left as an import, so there is still one copy of yjs.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    ssr: 'src/main.ts',
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { entryFileNames: 'main.js', format: 'es' } },
  },
  ssr: { target: 'node' },
});
