import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfigFile } from '../src/config-file'
import { ConfigError, createEngine, editorConfigSchema, type GatewayConfig, resolveConfig } from '../src/index'

const problemsOf = (config: unknown, env: Record<string, string> = {}) => {
  try {
    resolveConfig(config as GatewayConfig, { env })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`)
  }
  throw new Error('config was accepted')
}

describe('config validation', () => {
  it('accepts an empty config and applies the defaults', () => {
    const resolved = resolveConfig({})
    expect(resolved.maxBodyBytes).toBe(1024 * 1024)
    expect(resolved.maxJsonDepth).toBe(64)
    expect(resolved.requestIdHeader).toBe('x-request-id')
    expect(resolved.trust.trustsAnyone).toBe(false)
  })

  it('lists every problem of a broken config at once, each with its path', () => {
    const problems = problemsOf(
      {
        trustedProxies: ['loopback', '10.0.0.0/33'],
        stor: 'memory',
        request: { maxBodyBytes: 'lots', maxJsonDepth: '64', id: { header: 'x request id' } },
        stages: [{ name: 'audit', phase: 'later', run: () => undefined }, { phase: 'limit' }],
        admin: { token: 'env:PORTCULLIS_ADMIN_TOKEN_MISSING' },
      },
      {},
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        'trustedProxies[1]: must be an IP address, a CIDR range, an IPv4 netmask range, or one of loopback, linklocal, uniquelocal',
        'stor: unknown key (did you mean "store"?)',
        'request.maxBodyBytes: must be a size such as 1048576, "512kb" or "1mb"',
        'request.maxJsonDepth: must be an integer',
        'request.id.header: must be a valid HTTP header name',
        'stages[0].phase: must be one of: receive, connection, authenticate, authorize, validate, limit, route',
        'stages[1].name: must be a non-empty string',
        'stages[1].run: must be a function (or give the stage a complete function)',
        'admin.token: environment variable PORTCULLIS_ADMIN_TOKEN_MISSING is not set',
      ]),
    )
    expect(problems).toHaveLength(9)
  })

  it('says what a union accepts instead of listing every branch', () => {
    expect(problemsOf({ store: 42 })).toEqual([
      'store: must be "memory", { memory: { maxEntries } }, { redis: { url } } or a Store instance',
    ])
    expect(problemsOf({ store: { memroy: {} } })).toEqual([
      'store.memory: required',
      'store.memroy: unknown key (did you mean "memory"?)',
    ])
    expect(problemsOf({ trustedProxies: { trust: 'loopback', header: 'x-real-ip' } })).toEqual([
      'trustedProxies.header: must be x-forwarded-for or forwarded',
    ])
    expect(problemsOf({ trustedProxies: true })).toEqual([
      'trustedProxies: must be an address or range, a list of them, a hop count, or { trust, header }',
    ])
  })

  it('resolves env:NAME anywhere and never echoes values in problems', () => {
    const resolved = resolveConfig({ trustedProxies: ['env:LB_RANGE'] }, { env: { LB_RANGE: '10.0.0.0/8' } })
    expect(resolved.source.trustedProxies).toEqual(['10.0.0.0/8'])
    const problems = problemsOf({ trustedProxies: ['env:LB_RANGE'] }, { LB_RANGE: 'sk_live_secret' })
    expect(problems.join('\n')).not.toContain('sk_live_secret')
  })

  it('throws from createEngine, so nothing is served with a broken config', () => {
    expect(() => createEngine({ request: { maxJsonDepth: 0 } })).toThrowError(ConfigError)
    expect(() => createEngine({ request: { maxJsonDepth: 0 } })).toThrowError(
      /request\.maxJsonDepth: must be at least 1/,
    )
  })

  it('accepts code-only values', () => {
    const stage = { name: 'noop', phase: 'limit' as const, run: () => ({ action: 'continue' as const }) }
    const resolved = resolveConfig({ stages: [stage], clock: { now: () => 0 }, store: { memory: { maxEntries: 10 } } })
    expect(resolved.stages).toEqual([stage])
  })
})

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'))
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  it('loads YAML and JSON', () => {
    const yaml = write('ok.yaml', 'trustedProxies: [loopback]\nrequest:\n  maxBodyBytes: 512kb\n')
    expect(resolveConfig(loadConfigFile(yaml)).maxBodyBytes).toBe(512 * 1024)
    const json = write('ok.json', '{"trustedProxies": 1}')
    expect(Object.entries(loadConfigFile(json))).toEqual([['trustedProxies', 1]])
  })

  it('keeps relative paths relative to the file when the config is spread', async () => {
    const file = write('spread.yaml', 'trustedProxies: 1\nopenapi: ./api.yaml\n')
    write('api.yaml', 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\n')
    const engine = createEngine({ ...loadConfigFile(file), trustedProxies: 2 }, { env: {} })
    await expect(engine.ready()).resolves.toBeUndefined()
  })

  it('names the file, line and column of a syntax error', () => {
    const file = write('bad.yaml', 'trustedProxies: [loopback\nrequest: {\n')
    expect(() => loadConfigFile(file)).toThrowError(ConfigError)
    expect(() => loadConfigFile(file)).toThrowError(/bad\.yaml[\s\S]*invalid YAML at line \d+, column \d+/)
  })

  it('refuses duplicate keys, missing files and unknown extensions', () => {
    expect(() => loadConfigFile(write('dup.yaml', 'store: memory\nstore: memory\n'))).toThrowError(/DUPLICATE_KEY/)
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrowError(/file not found/)
    expect(() => loadConfigFile(write('x.toml', ''))).toThrowError(/must be a \.yaml/)
  })
})

describe('editor JSON Schema', () => {
  it('is the committed config.schema.json (run `pnpm schema` after changing the config)', () => {
    const committed = JSON.parse(readFileSync(new URL('../config.schema.json', import.meta.url), 'utf8'))
    expect(committed).toEqual(editorConfigSchema())
  })

  it('leaves code-only values out', () => {
    const text = JSON.stringify(editorConfigSchema())
    expect(text).not.toContain('x-portcullis-code')
    expect(text).not.toContain('"stages"')
  })
})
