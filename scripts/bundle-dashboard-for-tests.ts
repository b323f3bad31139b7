import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Vitest global setup: bundles the dashboard page, so tests serve what its sources say now. */
export default function bundleDashboard(): void {
  const script = fileURLToPath(new URL('../packages/dashboard/scripts/bundle-app.mjs', import.meta.url))
  execFileSync(process.execPath, [script], { stdio: 'inherit' })
}
