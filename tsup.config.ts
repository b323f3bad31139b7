import { defineConfig } from 'tsup'

/**
 * The one build config every package uses (`tsup --config ../../tsup.config.ts <entries>`):
 * ESM + CJS + declarations, dependencies left external.
 */
export default defineConfig({
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  outDir: 'dist',
  splitting: true,
  treeshake: true,
})
