// Bundles the dashboard page (Preact + our components, minified) into one module of strings,
// src/generated/assets.ts, that the package serves from memory: no CDN, no files at run time.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

const bundled = await build({
  entryPoints: { app: `${root}src/app/main.tsx` },
  bundle: true,
  minify: true,
  write: false,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: 'out',
  legalComments: 'none',
  logLevel: 'warning',
})
const output = (extension) => {
  const file = bundled.outputFiles.find((candidate) => candidate.path.endsWith(extension))
  if (file === undefined) throw new Error(`the bundle has no ${extension} file`)
  return file.text
}
const html = await readFile(`${root}src/app/index.html`, 'utf8')
const assets = {
  'index.html': { type: 'text/html; charset=utf-8', body: html },
  'assets/app.js': { type: 'text/javascript; charset=utf-8', body: output('.js') },
  'assets/app.css': { type: 'text/css; charset=utf-8', body: output('.css') },
}
await mkdir(`${root}src/generated`, { recursive: true })
await writeFile(
  `${root}src/generated/assets.ts`,
  `// Made by scripts/bundle-app.mjs from src/app: do not edit.\nimport type { DashboardAssets } from '@portcullis/core'\n\nexport const assets: DashboardAssets = ${JSON.stringify(assets, null, 2)}\n`,
)
const sizes = Object.entries(assets).map(
  ([name, { body }]) => `${name} ${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB`,
)
console.log(`dashboard bundled: ${sizes.join(', ')}`)
