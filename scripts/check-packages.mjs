// Checks what would be published: packs every public package the way `pnpm publish` does
// (publishConfig applied, workspace: ranges replaced), lints each tarball with publint --strict,
// then installs the tarballs into a scratch project and loads every entry point through both
// `require` and `import`. Run after `pnpm build`.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const pnpm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['pnpm']
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

const packages = readdirSync(join(root, 'packages'))
  .map((name) => ({
    dir: join(root, 'packages', name),
    manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private)

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-pack-'))
const tarballs = []
try {
  for (const { dir, manifest } of packages) {
    const output = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', scratch], dir)
    const tarball = output.trim().split('\n').pop()
    tarballs.push(tarball)
    run(process.execPath, [join(root, 'node_modules/publint/src/cli.js'), 'run', tarball, '--strict'], root)
    console.log(`publint ok: ${manifest.name}`)
  }

  const project = join(scratch, 'project')
  mkdirSync(project)
  const peers = { express: '^5.3.0', koa: '^3.3.0', hono: '^4.13.19' }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, dependencies: peers }))
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...tarballs], project)

  const checks = packages.flatMap(({ manifest }) =>
    Object.keys(manifest.publishConfig.exports)
      .filter((entry) => !entry.endsWith('.json'))
      .map((entry) => `${manifest.name}${entry.slice(1)}`),
  )
  const script = `
    const entries = ${JSON.stringify(checks)}
    ;(async () => {
      for (const entry of entries) {
        const cjs = require(entry)
        const esm = await import(entry)
        const names = Object.keys(esm).filter((n) => n !== 'default').sort()
        if (names.length === 0) throw new Error(entry + ': no exports')
        for (const n of names) if (!(n in cjs)) throw new Error(entry + ': ' + n + ' missing from the CJS build')
        console.log('loads as CJS and ESM: ' + entry + ' (' + names.length + ' exports)')
      }
      const { gateway } = require('@portcullis/express')
      const gw = gateway({ trustedProxies: ['loopback'] })
      if (typeof gw !== 'function' || typeof gw.engine.handle !== 'function') throw new Error('express gateway is not a middleware')
      require.resolve('@portcullis/core/config.schema.json')
      // The validators load their dialects lazily: compile one schema per dialect in both formats.
      for (const core of [require('@portcullis/core'), await import('@portcullis/core')]) {
        for (const version of ['3.0.3', '3.1.0']) {
          const openapi = {
            openapi: version,
            info: { title: 'check', version: '1' },
            paths: { '/n': { get: {
              parameters: [{ name: 'n', in: 'query', schema: { type: 'integer', format: 'int32' } }],
              responses: { '200': { description: 'ok' } },
            } } },
          }
          const engine = core.createEngine({ openapi }, { env: {} })
          await engine.ready()
          const request = (target) => ({
            method: 'GET', target, headers: new Headers(), remoteAddress: '127.0.0.1', tls: undefined, raw: undefined,
            body: { declaredLength: undefined, present: false, read: async () => new Uint8Array() },
          })
          const passed = await engine.handle(request('/n?n=1'))
          const refused = await engine.handle(request('/n?n=x'))
          if (passed.kind !== 'continue' || refused.kind !== 'respond' || refused.response.status !== 400)
            throw new Error('OpenAPI ' + version + ' validation does not work from the published build')
        }
      }
      console.log('validates requests against OpenAPI 3.0 and 3.1 as CJS and ESM')
      // Importing the dashboard registers its page with the same core the gateway is built from.
      for (const [core, dashboard] of [
        [require('@portcullis/core'), require('@portcullis/dashboard')],
        [await import('@portcullis/core'), await import('@portcullis/dashboard')],
      ]) {
        if (!dashboard.dashboardAssets['index.html'].body.includes('assets/app.js')) throw new Error('the dashboard page is empty')
        const engine = core.createEngine({ admin: { token: 'a-token-long-enough-for-admin', dashboard: true } }, { env: {} })
        const page = await engine.handle({
          method: 'GET', target: '/_portcullis/assets/app.js', headers: new Headers(), remoteAddress: '127.0.0.1', tls: undefined, raw: undefined,
          body: { declaredLength: undefined, present: false, read: async () => new Uint8Array() },
        })
        if (page.kind !== 'respond' || page.response.status !== 200) throw new Error('the published dashboard is not served')
        await engine.close()
      }
      console.log('the dashboard registers and is served, as CJS and ESM')
    })().catch((error) => { console.error(error); process.exit(1) })
  `
  writeFileSync(join(project, 'check.cjs'), script)
  process.stdout.write(run(process.execPath, ['check.cjs'], project))
  // Core must load where Node's process-level modules do not exist (fetch runtimes): none of them in its graph.
  for (const load of ["require('@portcullis/core')", "import('@portcullis/core')"]) {
    const loaded = run(
      process.execPath,
      ['-e', `Promise.resolve(${load}).then(() => console.log(JSON.stringify(process.moduleLoadList)))`],
      project,
    )
    const unwanted = JSON.parse(loaded).filter((name) =>
      /^NativeModule (cluster|child_process|worker_threads)$/.test(name),
    )
    if (unwanted.length > 0) throw new Error(`${load} loads ${unwanted.join(', ')}`)
  }
  console.log('core loads without cluster, child_process or worker_threads')
  const hashed = run(join(project, 'node_modules/.bin/portcullis'), ['key', 'hash', 'pk_abc'], project).trim()
  if (!/^sha256:[0-9a-f]{64}$/.test(hashed)) throw new Error(`the portcullis bin printed ${JSON.stringify(hashed)}`)
  console.log('the portcullis bin runs: key hash')
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
