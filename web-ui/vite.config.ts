import { defineConfig } from 'vitest/config';

// Built into the Maven module's classes so the jar carries META-INF/resources/ui, which the gateway
// serves under /ui. Plain esbuild JSX for Preact keeps the toolchain to Vite alone.
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'target/classes/META-INF/resources/ui',
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    // Generous: the suite runs on a loaded 2-core CI machine; tests wait for conditions, never for time.
    testTimeout: 30_000,
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
  },
});
