import { describe, expect, it } from 'vitest'
import { QueryLearner, ShapeLearner } from '../src/stages/discovery/body-shape'
import { type EndpointObservation, EndpointStats } from '../src/stages/discovery/endpoint-stats'
import { jsonValueType, looksLikeValue, stringValueType } from '../src/stages/discovery/value-type'

const CANARY = 'secret-abc-123'
const CANARY_ID = 918273645

const learn = (...bodies: unknown[]): ShapeLearner => {
  const learner = new ShapeLearner()
  for (const body of bodies) learner.observe(body)
  return learner
}

const queries = (...texts: string[]): QueryLearner => {
  const learner = new QueryLearner()
  for (const text of texts) learner.observe(new URLSearchParams(text))
  return learner
}

describe('value types', () => {
  it('reads query strings as the JSON values they look like', () => {
    expect(stringValueType('42')).toEqual({ type: 'integer' })
    expect(stringValueType('-7')).toEqual({ type: 'integer' })
    expect(stringValueType('4.5')).toEqual({ type: 'number' })
    expect(stringValueType('1e3')).toEqual({ type: 'number' })
    expect(stringValueType('true')).toEqual({ type: 'boolean' })
    expect(stringValueType('false')).toEqual({ type: 'boolean' })
    expect(stringValueType('2024-02-29')).toEqual({ type: 'string', format: 'date' })
    expect(stringValueType('2024-06-01T10:20:30Z')).toEqual({ type: 'string', format: 'date-time' })
    expect(stringValueType('2024-06-01T10:20:30.123+02:00')).toEqual({ type: 'string', format: 'date-time' })
    expect(stringValueType('0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({ type: 'string', format: 'uuid' })
    expect(stringValueType('ada@example.com')).toEqual({ type: 'string', format: 'email' })
    expect(stringValueType('https://example.com/a?b=c')).toEqual({ type: 'string', format: 'uri' })
    expect(stringValueType('urn:isbn:0451450523')).toEqual({ type: 'string', format: 'uri' })
  })

  it('keeps look-alikes plain strings', () => {
    for (const text of ['', 'hello', '007', '2023-02-30', '2024-13-01', '2024-06-01T25:00:00Z', 'a:b', 'TRUE', '1.']) {
      expect(stringValueType(text), text).toEqual({ type: 'string' })
    }
    // Past 2^53 a number would not survive coercion.
    expect(stringValueType('123456789012345678901')).toEqual({ type: 'string' })
  })

  it('types JSON values', () => {
    expect(jsonValueType(null)).toEqual({ type: 'null' })
    expect(jsonValueType(true)).toEqual({ type: 'boolean' })
    expect(jsonValueType(3)).toEqual({ type: 'integer' })
    expect(jsonValueType(3.5)).toEqual({ type: 'number' })
    expect(jsonValueType('2024-01-01')).toEqual({ type: 'string', format: 'date' })
    expect(jsonValueType('42')).toEqual({ type: 'string' })
    expect(jsonValueType([])).toEqual({ type: 'array' })
    expect(jsonValueType({})).toEqual({ type: 'object' })
  })

  it('tells names from data', () => {
    for (const name of ['id', 'hotelId', 'check_in', 'x-trace', '__proto__'])
      expect(looksLikeValue(name), name).toBe(false)
    for (const name of [
      '12345',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      'a@b.io',
      '2024-01-01',
      'deadbeefcafe0123',
      '',
    ]) {
      expect(looksLikeValue(name), name).toBe(true)
    }
  })
})

describe('ShapeLearner', () => {
  it('learns types, formats and required properties', () => {
    const learner = learn(
      { id: 1, name: 'a', checkIn: '2024-05-01', tags: ['x'], nested: { deep: true } },
      { id: 2, name: 'b', checkIn: '2024-05-02', tags: [], price: 9.5 },
    )
    expect(learner.count).toBe(2)
    expect(learner.toSchema()).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        checkIn: { type: 'string', format: 'date' },
        tags: { type: 'array', items: { type: 'string' } },
        nested: { type: 'object', properties: { deep: { type: 'boolean' } }, required: ['deep'] },
        price: { type: 'number' },
      },
      required: ['id', 'name', 'checkIn', 'tags'],
    })
  })

  it('merges an integer and a number into number, other types into a list', () => {
    const schema = learn({ a: 1, b: 'x', c: '2024-01-01' }, { a: 1.5, b: null, c: 'plain' }, { a: 2, b: 3 }).toSchema()
    expect(schema.properties).toEqual({
      a: { type: 'number' },
      b: { type: ['string', 'integer', 'null'] },
      c: { type: 'string' },
    })
    expect(schema.required).toEqual(['a', 'b'])
  })

  it('merges array items, objects in them included', () => {
    const schema = learn([{ id: 1, note: 'n' }, { id: 2 }], [{ id: 3.5 }]).toSchema()
    expect(schema).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'number' }, note: { type: 'string' } },
        required: ['id'],
      },
    })
  })

  it('learns a map keyed by ids as additionalProperties, never keeping the ids', () => {
    const learner = learn({
      rooms: { [String(CANARY_ID)]: { beds: 2 }, '0f8fad5b-d9cb-469f-a165-70867728950e': { beds: 1 } },
    })
    expect(learner.toSchema().properties).toEqual({
      rooms: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { beds: { type: 'integer' } }, required: ['beds'] },
      },
    })
    expect(JSON.stringify(learner.toJSON())).not.toContain(String(CANARY_ID))
  })

  it('stays bounded by a body with 10,000 distinct keys', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key_${i}`, { value: i }]))
    const learner = learn(wide, wide)
    const schema = learner.toSchema()
    expect(Object.keys(schema.properties as object)).toHaveLength(100)
    expect(schema.additionalProperties).toBe(true)
    expect(learner.nodes).toBeLessThanOrEqual(1_000)
    expect(JSON.stringify(learner.toJSON()).length).toBeLessThan(20_000)
  })

  it('caps the nodes in all, the depth and the array items sampled', () => {
    const learner = new ShapeLearner({ maxNodes: 10, maxDepth: 2, maxArrayItems: 3 })
    learner.observe({ a: { b: { c: { d: 1 } } }, list: [1, 2, 3, 'four'] })
    learner.observe(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, i])))
    expect(learner.nodes).toBe(10)
    const schema = learner.toSchema() as { properties: Record<string, unknown>; additionalProperties?: unknown }
    // Depth 2: `b` is known to be an object; what it holds is not learned.
    expect(schema.properties.a).toEqual({ type: 'object', properties: { b: { type: 'object' } }, required: ['b'] })
    expect(schema.properties.list).toEqual({ type: 'array', items: { type: 'integer' } })
    expect(schema.additionalProperties).toBe(true)
  })

  it('keeps no values in its JSON', () => {
    const learner = learn({ token: CANARY, id: CANARY_ID, list: [CANARY, CANARY_ID], nested: { secret: CANARY } })
    const text = JSON.stringify(learner.toJSON())
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(String(CANARY_ID))
    expect(JSON.stringify(learner.toSchema())).not.toContain(CANARY)
  })

  it('keeps a __proto__ property a property', () => {
    const learner = learn(JSON.parse('{"__proto__": {"x": 1}}'))
    const json = JSON.parse(JSON.stringify(learner.toJSON()))
    expect(Object.keys(ShapeLearner.fromJSON(json).toSchema().properties as object)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('merges instances into what one instance learning everything has', () => {
    const bodies = [
      { id: 1, name: 'a', extra: true },
      { id: 2, name: 'b', items: [{ sku: 'x' }] },
      { id: 3.5, items: [] },
      { id: 4, name: null, extra: false },
    ]
    const all = learn(...bodies)
    const merged = learn(...bodies.slice(0, 2)).merge(learn(...bodies.slice(2)))
    expect(merged.toJSON()).toEqual(all.toJSON())
    expect(merged.toSchema()).toEqual(all.toSchema())
    expect((merged.toSchema() as { required: string[] }).required).toEqual(['id'])
    const revived = ShapeLearner.fromJSON(JSON.parse(JSON.stringify(merged.toJSON())))
    expect(revived.toSchema()).toEqual(all.toSchema())
  })

  it('refuses malformed serialised learning', () => {
    expect(() => ShapeLearner.fromJSON({ version: 2 })).toThrow(TypeError)
    expect(() => ShapeLearner.fromJSON({ version: 1, root: { count: -1, types: {} } })).toThrow(TypeError)
    expect(() => ShapeLearner.fromJSON({ version: 1, root: { count: 1, types: { date: 1 } } })).toThrow(TypeError)
  })
})

describe('QueryLearner', () => {
  it('learns names, types, required-ness and repetition', () => {
    const learner = queries('page=1&from=2024-01-01&tag=a&tag=b', 'page=2&sort=price', 'page=3&from=2024-02-01')
    expect(learner.parameters()).toEqual([
      { name: 'page', required: true, schema: { type: 'integer' } },
      { name: 'from', required: false, schema: { type: 'string', format: 'date' } },
      { name: 'tag', required: false, schema: { type: 'array', items: { type: 'string' } } },
      { name: 'sort', required: false, schema: { type: 'string' } },
    ])
  })

  it('makes a name that was sometimes not a number a string', () => {
    const learner = queries('q=12', 'q=2024-01-01', 'n=1', 'n=2.5', 'b=true', 'b=1')
    const schemas = Object.fromEntries(learner.parameters().map(({ name, schema }) => [name, schema]))
    expect(schemas).toEqual({
      q: { type: 'string' },
      n: { type: 'number' },
      b: { type: ['integer', 'boolean'] },
    })
  })

  it('caps the names and skips names that look like data', () => {
    const learner = new QueryLearner()
    learner.observe(new URLSearchParams(Array.from({ length: 500 }, (_, i) => `p${i}=${CANARY}`).join('&')))
    learner.observe(new URLSearchParams(`${CANARY_ID}=1`))
    expect(learner.parameters()).toHaveLength(50)
    expect(learner.open).toBe(true)
    const text = JSON.stringify(learner.toJSON())
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(String(CANARY_ID))
  })

  it('merges instances into what one instance learning everything has', () => {
    const texts = ['a=1&b=x', 'a=2', 'a=3&c=true&c=false', 'a=4.5&b=y']
    const all = queries(...texts)
    const merged = queries(...texts.slice(0, 3)).merge(queries(...texts.slice(3)))
    expect(merged.toJSON()).toEqual(all.toJSON())
    expect(QueryLearner.fromJSON(JSON.parse(JSON.stringify(merged.toJSON()))).parameters()).toEqual(all.parameters())
    expect(merged.parameters()[0]).toEqual({ name: 'a', required: true, schema: { type: 'number' } })
  })
})

const observation = (overrides: Partial<EndpointObservation> = {}): EndpointObservation => ({
  status: 200,
  durationMs: 10,
  session: 'hashed-session-1',
  query: new URLSearchParams(),
  body: undefined,
  contentType: undefined,
  at: 1_000,
  ...overrides,
})

describe('EndpointStats', () => {
  it('counts requests, times, status classes, bodies and media types', () => {
    const stats = new EndpointStats()
    stats.record(
      observation({ at: 5_000, status: 201, body: { a: 1 }, contentType: 'application/json; charset=utf-8' }),
    )
    stats.record(observation({ at: 2_000, status: 404 }))
    stats.record(observation({ at: 9_000, status: 503, body: 'raw', contentType: 'text/plain' }))
    stats.record(observation({ at: 3_000, status: 204 }))
    expect(stats.requests).toBe(4)
    expect([stats.firstSeen, stats.lastSeen]).toEqual([2_000, 9_000])
    expect(stats.statuses()).toEqual({ '2xx': 2, '4xx': 1, '5xx': 1 })
    expect(stats.bodies).toBe(2)
    expect(stats.mediaTypes()).toEqual({ 'application/json': 1, 'text/plain': 1 })
    expect(stats.body.count).toBe(1)
  })

  it('summarises latency from log-scale buckets, within 9 %', () => {
    const stats = new EndpointStats()
    for (let ms = 1; ms <= 1_000; ms++) stats.record(observation({ durationMs: ms }))
    const latency = stats.latency()
    expect(latency).toMatchObject({ count: 1_000, sumMs: 500_500, minMs: 1, maxMs: 1_000 })
    for (const [estimate, truth] of [
      [latency.p50Ms, 500],
      [latency.p90Ms, 900],
      [latency.p99Ms, 990],
    ] as const) {
      expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.09)
    }
    const one = new EndpointStats()
    one.record(observation({ durationMs: 42 }))
    expect(one.latency()).toMatchObject({ p50Ms: 42, p99Ms: 42 })
    expect(new EndpointStats().latency().count).toBe(0)
  })

  it('counts sessions exactly while few, then estimates within a few per cent', () => {
    const stats = new EndpointStats()
    for (let i = 0; i < 700; i++) stats.record(observation({ session: `s${i % 500}` }))
    stats.record(observation({ session: undefined }))
    expect(stats.sessions).toBe(500)
    for (let i = 0; i < 20_000; i++) stats.record(observation({ session: `s${i}` }))
    expect(Math.abs(stats.sessions - 20_000) / 20_000).toBeLessThan(0.07)
    expect(JSON.stringify(stats.toJSON()).length).toBeLessThan(5_000)
  })

  it('merges instances into what one instance recording everything has', () => {
    const requests = Array.from({ length: 1_500 }, (_, i) =>
      observation({
        at: 10_000 + i,
        status: [200, 201, 404, 500][i % 4] ?? 200,
        durationMs: (i % 97) + 1,
        session: `session-${i % 1_200}`,
        query: new URLSearchParams(i % 3 === 0 ? `page=${i}&q=x` : `page=${i}`),
        body: i % 2 === 0 ? { id: i, ...(i % 4 === 0 ? { note: 'n' } : {}) } : undefined,
        contentType: i % 2 === 0 ? 'application/json' : undefined,
      }),
    )
    const all = new EndpointStats()
    const left = new EndpointStats()
    const right = new EndpointStats()
    requests.forEach((request, i) => {
      all.record(request)
      ;(i % 2 === 0 ? left : right).record(request)
    })
    const merged = EndpointStats.fromJSON(JSON.parse(JSON.stringify(left.toJSON()))).merge(right)
    expect(merged.requests).toBe(1_500)
    expect(merged.statuses()).toEqual(all.statuses())
    expect(merged.latency()).toEqual(all.latency())
    expect(merged.sessions).toBe(all.sessions)
    expect(merged.query.parameters()).toEqual(all.query.parameters())
    expect(merged.body.toSchema()).toEqual(all.body.toSchema())
    expect(merged.toJSON()).toEqual(all.toJSON())
  })

  it('keeps no values, sessions included, in its JSON', () => {
    const stats = new EndpointStats()
    stats.record(
      observation({
        session: CANARY,
        query: new URLSearchParams({ token: CANARY, id: String(CANARY_ID) }),
        body: { password: CANARY, id: CANARY_ID, cards: [{ number: CANARY }] },
        contentType: 'application/json',
      }),
    )
    const text = JSON.stringify(stats.toJSON())
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(String(CANARY_ID))
  })
})
