import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../src/index'
import { rawRequest } from './raw-request'

// A large real-world document, read in place from the shared fixtures (never copied into the repo).
const twilio = fileURLToPath(new URL('../../../../shared/fixtures/openapi/twilio_api_v2010.json', import.meta.url))
const present = existsSync(twilio)

type Json = Record<string, unknown>

/** A value that satisfies a path parameter's schema: Twilio SIDs are a prefix and 32 hex digits. */
function sampleValue(schema: Json | undefined): string {
  const pattern = typeof schema?.pattern === 'string' ? schema.pattern : ''
  const sid = /^\^\(?([A-Z]{2})(?:\|[A-Z]{2})*\)?\[0-9a-fA-F\]\{32\}\$$/.exec(pattern)
  if (sid !== null) return `${sid[1]}${'0123456789abcdef'.repeat(2)}`
  if (schema?.type === 'integer') return '7'
  return 'sample'
}

describe.skipIf(!present)('the Twilio API description (197 operations)', () => {
  let engine: Engine
  let document: { paths: Record<string, Record<string, Json>> }

  beforeAll(async () => {
    document = JSON.parse(await import('node:fs').then((fs) => fs.promises.readFile(twilio, 'utf8')))
    const started = performance.now()
    engine = createEngine({ openapi: twilio, validation: { unknownEndpoints: 'block' } }, { env: {} })
    await engine.ready()
    console.log(`Twilio API description ready in ${(performance.now() - started).toFixed(0)} ms`)
  }, 30_000)
  afterAll(() => engine?.close())

  it('matches every operation, and lets a request with valid path parameters through', async () => {
    let operations = 0
    for (const [template, item] of Object.entries(document.paths)) {
      const shared = (item.parameters ?? []) as Json[]
      for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
        const operation = item[method] as Json | undefined
        if (operation === undefined) continue
        operations++
        const parameters = [...shared, ...((operation.parameters ?? []) as Json[])]
        const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) =>
          sampleValue(parameters.find((parameter) => parameter.name === name)?.schema as Json | undefined),
        )
        const requiredQuery = parameters.some((parameter) => parameter.in === 'query' && parameter.required === true)
        const hasBody = operation.requestBody !== undefined
        const outcome = await engine.handle(rawRequest({ method: method.toUpperCase(), target: path }))
        expect(outcome.ctx.operation?.id, `${method} ${template}`).toBe(operation.operationId)
        if (!requiredQuery && !hasBody) expect(outcome.kind, `${method} ${template}`).toBe('continue')
      }
    }
    expect(operations).toBe(197)
  })

  it('validates a form body: a message with its required fields passes, one without them is refused', async () => {
    const target = '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json'
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    const valid = await engine.handle(
      rawRequest({ method: 'POST', target, headers, body: 'To=%2B15558675310&From=%2B15017122661&Body=Hi' }),
    )
    expect(valid.kind).toBe('continue')
    const missing = await engine.handle(rawRequest({ method: 'POST', target, headers, body: 'Body=Hi' }))
    if (missing.kind !== 'respond') throw new Error('expected a refusal')
    const problem = (await missing.response.json()) as { code: string; errors: { pointer: string }[] }
    expect(problem.code).toBe('validation.request_invalid')
    expect(problem.errors.map((error) => error.pointer)).toContain('/body/To')
  })

  it('refuses a SID that breaks its pattern, and an unknown endpoint', async () => {
    const wrongSid = await engine.handle(rawRequest({ target: '/2010-04-01/Accounts/XX123/Messages.json' }))
    if (wrongSid.kind !== 'respond') throw new Error('expected a refusal')
    expect(((await wrongSid.response.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe(
      '/path/AccountSid',
    )
    const unknown = await engine.handle(rawRequest({ target: '/2010-04-01/Nothing.json' }))
    expect(unknown.kind === 'respond' && unknown.response.status).toBe(404)
  })
})
