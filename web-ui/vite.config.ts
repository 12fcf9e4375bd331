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
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
  },
});
