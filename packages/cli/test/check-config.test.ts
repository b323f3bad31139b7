import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/index'
import { captureIo } from './capture-io'

const folder = mkdtempSync(join(tmpdir(), 'portcullis-check-'))
const file = (name: string, text: string) => {
  const path = join(folder, name)
  writeFileSync(path, text)
  return path
}

const openapi = file(
  'openapi.yaml',
  `openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /orders/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok } }
`,
)

describe('portcullis check-config', () => {
  it('says a valid config is valid, with the sections it sets, and exits 0', async () => {
    const config = file(
      'good.yaml',
      `openapi: ./openapi.yaml
rateLimits:
  - { match: "GET /orders/*", by: ip, limit: 10, window: 1m }
routes:
  - { match: "/prices/**", upstream: "http://127.0.0.1:4002", stripPrefix: /prices }
`,
    )
    expect(openapi).toContain('openapi.yaml')
    const { io, stdout } = captureIo()
    expect(await runCli(['check-config', config], io)).toBe(0)
    expect(stdout()).toBe(`${config}: valid (openapi, rateLimits, routes)`)
  })

  it('lists every problem with its path and exits 1', async () => {
    const config = file(
      'bad.yaml',
      `rateLimits:
  - { by: ip, limit: 0, window: 1m }
routes:
  - { match: "/a/**" }
cache: { maxEntries: -1 }
auth:
  jwt: { issuer: https://idp.example }
`,
    )
    const { io, stderr } = captureIo()
    expect(await runCli(['check-config', config], io)).toBe(1)
    const text = stderr()
    expect(text).toContain(config)
    for (const path of ['rateLimits[0].limit', 'cache.maxEntries']) expect(text).toContain(`- ${path}`)
    // Once the shapes are right, what only building the gateway finds is listed, all of it.
    const semantic = file(
      'semantic.yaml',
      `routes:
  - { match: "/a/**" }
  - { match: "/b/**", upstream: missing-upstream }
auth:
  jwt: { issuer: https://idp.example, audience: api }
`,
    )
    const second = captureIo()
    expect(await runCli(['check-config', semantic], second.io)).toBe(1)
    for (const path of ['routes[0]', 'routes[1].upstream', 'auth.jwt.algorithms', 'auth.jwt'])
      expect(second.stderr()).toContain(`- ${path}:`)
  })

  it('finds problems in the OpenAPI document the config names', async () => {
    const broken = file(
      'broken-openapi.yaml',
      'openapi: 3.1.0\ninfo: { title: t }\npaths: { /x: { get: { responses: 7 } } }\n',
    )
    const config = file('uses-broken.yaml', `openapi: ./${broken.split('/').pop()}\n`)
    const { io, stderr } = captureIo()
    expect(await runCli(['check-config', config], io)).toBe(1)
    expect(stderr()).toContain('openapi')
  })

  it('reports a YAML syntax error with its line, a missing file, and wrong use', async () => {
    const syntax = file('syntax.yaml', 'rateLimits: [\n')
    const bad = captureIo()
    expect(await runCli(['check-config', syntax], bad.io)).toBe(1)
    expect(bad.stderr()).toMatch(/invalid YAML at line \d+/)
    const missing = captureIo()
    expect(await runCli(['check-config', join(folder, 'nope.yaml')], missing.io)).toBe(1)
    expect(missing.stderr()).toContain('file not found')
    const usage = captureIo()
    expect(await runCli(['check-config'], usage.io)).toBe(2)
    expect(usage.stderr()).toContain('Usage:')
  })
})
