import { execFileSync } from 'node:child_process'

/**
 * Which gateway code was measured: the commit, and whether packages/ had uncommitted changes.
 * The runner reads it before and after, since a change in between mixes two versions in one table.
 */
export function gatewayRevision(benchDir: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: benchDir, encoding: 'utf8' }).trim()
  try {
    const commit = git('rev-parse', '--short', 'HEAD')
    const changed = git('status', '--porcelain', '--', '../packages') !== ''
    return changed ? `${commit} with uncommitted changes in packages/` : commit
  } catch {
    return 'unknown (not a git checkout)'
  }
}
