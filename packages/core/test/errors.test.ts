import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { allErrorCodes, errorCodes, GatewayError, toProblemDocument } from '../src/index'

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
// Each code is documented under a heading "### `code` — status".
const documented = new Map([...docs.matchAll(/^### `([a-z_.]+)` — (\d{3})$/gm)].map((m) => [m[1], Number(m[2])]))

describe('error codes', () => {
  it('docs/errors.md documents every code, with its status, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual([...allErrorCodes].sort())
    for (const code of allErrorCodes) expect(documented.get(code), code).toBe(errorCodes[code].status)
  })

  it('are namespaced, lowercase and unique', () => {
    for (const code of allErrorCodes) expect(code).toMatch(/^[a-z]+\.[a-z_]+$/)
    expect(new Set(allErrorCodes).size).toBe(allErrorCodes.length)
  })

  it('capture no stack: a denial is an answer, and a flood of them must stay cheap', () => {
    const error = new GatewayError('limit.rate_exceeded', { cause: new Error('store down') })
    expect(error.stack).not.toMatch(/\n\s+at /)
    expect((error.cause as Error).stack).toMatch(/\n\s+at /)
    expect(new Error('still').stack).toMatch(/\n\s+at /)
  })

  it('render as RFC 9457 problems without cause or stack', () => {
    const error = new GatewayError('request.body_too_large', { detail: 'Over 10 bytes.', cause: new Error('secret') })
    const document = toProblemDocument(error, 'req-9')
    expect(document).toEqual({
      type: 'https://portcullis.dev/errors#request.body_too_large',
      title: 'Request body too large',
      status: 413,
      code: 'request.body_too_large',
      detail: 'Over 10 bytes.',
      instance: 'req-9',
    })
    expect(JSON.stringify(document)).not.toMatch(/secret|stack/)
  })

  it('render located errors and extensions', () => {
    const error = new GatewayError('request.invalid_json', {
      errors: [{ pointer: '/body/email', message: 'must be an email' }],
      extensions: { 'violated-policies': ['burst'], status: 999 },
    })
    const document = toProblemDocument(error)
    expect(document.errors).toEqual([{ pointer: '/body/email', message: 'must be an email' }])
    expect(document['violated-policies']).toEqual(['burst'])
    expect(document.status).toBe(400)
  })
})
