// Regenerates packages/core/config.schema.json from the TypeBox schema (run: pnpm schema).
import { writeFileSync } from 'node:fs'
import { editorConfigSchema } from '../packages/core/src/index'

const target = new URL('../packages/core/config.schema.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(editorConfigSchema(), null, 2)}\n`)
console.log(`wrote ${target.pathname}`)
