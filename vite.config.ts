import { fileURLToPath } from 'node:url';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('./client', import.meta.url));

/**
 * The test files of one worker share the modules it loaded (nothing in the tests mocks a module,
 * stubs a global or changes the environment): loading the server and its packages again for
 * every file cost about a third of the CPU of the tests themselves (measured: every test but the
 * browser tests, 253 s of CPU isolated, 180 s shared).
 */
const isolate = false;

/**
 * One config for the client build (root: client/) and for every test project.
 * Tests run in Node; browser tests drive Debian's Chromium through playwright-core.
 */
export default defineConfig({
  root,
  plugins: [
    solid(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      // The icons in client/public/ are precached by `globPatterns` already; listing the
      // manifest's icons again would put each in the precache twice.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Grassroots 村务协作',
        short_name: 'Grassroots',
        description: '村委会的村务协作：计划、会议记录、群众意见、花名册，离线也能用。',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#b91c1c',
        background_color: '#ffffff',
        // Drawn by scripts/make-icons.mjs into client/public/.
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff2}'],
        navigateFallback: '/index.html',
        // The relay's own pages: the public board (/p/…) is its page, not the app's, also on a
        // phone that has the app installed.
        navigateFallbackDenylist: [
          /^\/api\//,
          /^\/sync\//,
          /^\/healthz/,
          /^\/metrics/,
          /^\/p(\/|$)/,
        ],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        // Take over the page on the first visit, so that a device that goes offline right after
        // joining can still open screens (editor chunks) it has not loaded yet.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./client/dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
  },
  server: { port: 5173 },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'node',
    projects: [
      {
        extends: false,
        test: {
          isolate,
          name: 'shared',
          root: fileURLToPath(new URL('./shared', import.meta.url)),
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: false,
        test: {
          isolate,
          name: 'server',
          root: fileURLToPath(new URL('./server', import.meta.url)),
          include: ['src/**/*.test.ts'],
          environment: 'node',
          // A throwaway PostgreSQL and Redis for the storage and fan-out contract suites.
          globalSetup: [
            fileURLToPath(new URL('./tests/support/globalServices.ts', import.meta.url)),
          ],
        },
      },
      {
        extends: false,
        test: {
          isolate,
          name: 'client',
          root: fileURLToPath(new URL('./client', import.meta.url)),
          include: ['src/**/*.test.ts'],
          environment: 'node',
          // The stylesheet's own text, for the checks that the layout mirrors (styles.test.ts).
          css: { include: [/styles\.css/] },
        },
      },
      {
        extends: false,
        test: {
          isolate,
          name: 'integration',
          root: fileURLToPath(new URL('./tests', import.meta.url)),
          include: ['integration/**/*.test.ts'],
          environment: 'node',
          // A throwaway PostgreSQL and Redis for the multi-process tests.
          globalSetup: [
            fileURLToPath(new URL('./tests/support/globalServices.ts', import.meta.url)),
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The history tests once more with every test server on PostgreSQL: history, named
        // versions, restore, member reverts and compaction must work the same on both engines.
        extends: false,
        test: {
          isolate,
          name: 'history-postgres',
          root: fileURLToPath(new URL('./tests', import.meta.url)),
          include: ['integration/history/**/*.test.ts'],
          environment: 'node',
          env: { GRASSROOTS_TEST_STORE: 'postgres' },
          globalSetup: [
            fileURLToPath(new URL('./tests/support/globalServices.ts', import.meta.url)),
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: false,
        test: {
          isolate,
          name: 'e2e',
          root: fileURLToPath(new URL('./tests', import.meta.url)),
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
