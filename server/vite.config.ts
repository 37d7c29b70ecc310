import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The server compiled to plain JavaScript for production (`node server/dist/main.js`): ES modules
 * (the two entries and the chunk they share, in `dist/assets/`) with `@grassroots/shared` inlined
 * (it is TypeScript, consumed from source) and every package from node_modules left as an import,
 * so there is still one copy of yjs. Deploy the whole `dist/` folder.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    // `index.js`: the library (what `@grassroots/server` exports), so the relay benchmark runs the
    // relay as production does, compiled, rather than through a TypeScript loader.
    rollupOptions: {
      input: { main: 'src/main.ts', index: 'src/index.ts' },
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'assets/server-[hash].js',
        format: 'es',
      },
    },
  },
  ssr: { target: 'node' },
});
