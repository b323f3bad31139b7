import { describe, expect, it } from 'vitest'
import { appendPointer } from '../src/stages/validation/document-pointer'
import { parseFormBody } from '../src/stages/validation/form-body'
import type { OperationParameter, ParameterStyle } from '../src/stages/validation/openapi-model'
import { type ParameterSources, parseParameters } from '../src/stages/validation/parameter-values'

type Schema = Readonly<Record<string, unknown>>
const identity = (schema: Schema | boolean) => schema
const string = { type: 'string' }
const array = { type: 'array', items: string }
const rgb = { type: 'object', properties: { R: { type: 'integer' }, G: { type: 'integer' }, B: { type: 'integer' } } }
const RGB = { R: '100', G: '200', B: '150' }
const COLORS = ['blue', 'black', 'brown']

const param = (
  name: string,
  location: OperationParameter['in'],
  schema: Schema | undefined,
  options: { style?: ParameterStyle; explode?: boolean; contentType?: string; allowReserved?: boolean } = {},
): OperationParameter => {
  const style = options.style ?? (location === 'query' || location === 'cookie' ? 'form' : 'simple')
  return {
    name,
    in: location,
    required: false,
    style,
    explode: options.explode ?? style === 'form',
    allowReserved: options.allowReserved ?? false,
    schema: schema === undefined ? undefined : { pointer: '#/test', value: schema },
    contentType: options.contentType,
    pointer: '#/test',
    valuePointer: appendPointer(`/${location}`, name),
  }
}

const sources = (
  from: Partial<Omit<ParameterSources, 'headers'>> & { headers?: HeadersInit } = {},
): ParameterSources => ({
  rawQuery: from.rawQuery ?? '',
  pathParams: from.pathParams ?? {},
  headers: new Headers(from.headers),
  cookies: from.cookies ?? {},
})

const parse = (parameters: OperationParameter[], from: Parameters<typeof sources>[0], resolve = identity) =>
  parseParameters(parameters, sources(from), resolve)

describe('parseParameters: the specification’s style examples', () => {
  type Row = [ParameterStyle, boolean, string, string, unknown]
  const read = (
    location: OperationParameter['in'],
    style: ParameterStyle,
    explode: boolean,
    schema: Schema,
    raw: string,
  ) => {
    const from =
      location === 'path'
        ? { pathParams: { color: raw } }
        : location === 'query'
          ? { rawQuery: raw }
          : { headers: { color: raw } }
    const parsed = parse([param('color', location, schema, { style, explode })], from)
    expect(parsed.errors).toEqual([])
    return parsed.values[location].color
  }

  // The table's rows: style, explode, then the serialisations of undefined/empty, string, array and object.
  const path: Row[] = [
    ['matrix', false, ';color', ';color=blue', [';color=blue,black,brown', ';color=R,100,G,200,B,150']],
    ['matrix', true, ';color', ';color=blue', [';color=blue;color=black;color=brown', ';R=100;G=200;B=150']],
    ['label', false, '.', '.blue', ['.blue,black,brown', '.R,100,G,200,B,150']],
    ['label', true, '.', '.blue', ['.blue.black.brown', '.R=100.G=200.B=150']],
    ['simple', false, '', 'blue', ['blue,black,brown', 'R,100,G,200,B,150']],
    ['simple', true, '', 'blue', ['blue,black,brown', 'R=100,G=200,B=150']],
  ]
  it.each(path)('path %s explode=%s', (style, explode, empty, primitive, composite) => {
    const [arrayRaw, objectRaw] = composite as [string, string]
    expect(read('path', style, explode, string, empty)).toBe('')
    expect(read('path', style, explode, string, primitive)).toBe('blue')
    expect(read('path', style, explode, array, arrayRaw)).toEqual(COLORS)
    expect(read('path', style, explode, rgb, objectRaw)).toEqual(RGB)
  })

  it.each(path.filter(([style]) => style === 'simple'))(
    'header %s explode=%s',
    (style, explode, _, primitive, composite) => {
      const [arrayRaw, objectRaw] = composite as [string, string]
      expect(read('header', style, explode, string, primitive)).toBe('blue')
      expect(read('header', style, explode, array, arrayRaw)).toEqual(COLORS)
      expect(read('header', style, explode, rgb, objectRaw)).toEqual(RGB)
    },
  )

  const query: [ParameterStyle, boolean, string | undefined, string | undefined, string, string][] = [
    ['form', false, 'color=', 'color=blue', 'color=blue,black,brown', 'color=R,100,G,200,B,150'],
    ['form', true, 'color=', 'color=blue', 'color=blue&color=black&color=brown', 'R=100&G=200&B=150'],
    ['spaceDelimited', false, undefined, undefined, 'color=blue%20black%20brown', 'color=R%20100%20G%20200%20B%20150'],
    ['pipeDelimited', false, undefined, undefined, 'color=blue%7Cblack%7Cbrown', 'color=R%7C100%7CG%7C200%7CB%7C150'],
    ['pipeDelimited', false, undefined, undefined, 'color=blue|black|brown', 'color=R|100|G|200|B|150'],
    ['deepObject', true, undefined, undefined, '', 'color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150'],
    ['deepObject', true, undefined, undefined, '', 'color[R]=100&color[G]=200&color[B]=150'],
  ]
  it.each(query)('query %s explode=%s', (style, explode, empty, primitive, arrayRaw, objectRaw) => {
    if (empty !== undefined) expect(read('query', style, explode, string, empty)).toBe('')
    if (primitive !== undefined) expect(read('query', style, explode, string, primitive)).toBe('blue')
    if (arrayRaw !== '') expect(read('query', style, explode, array, arrayRaw)).toEqual(COLORS)
    expect(read('query', style, explode, rgb, objectRaw)).toEqual(RGB)
  })

  it('reads cookies in form style', () => {
    const cookies = {
      color: 'blue',
      colors: 'blue,black,brown',
      rgb: 'R,100,G,200,B,150',
      R: '100',
      G: '200',
      B: '150',
    }
    const parameters = [
      param('color', 'cookie', string),
      param('colors', 'cookie', array),
      param('rgb', 'cookie', rgb, { explode: false }),
      param('exploded', 'cookie', rgb),
    ]
    expect(parse(parameters, { cookies }).values.cookie).toEqual({
      color: 'blue',
      colors: COLORS,
      rgb: RGB,
      exploded: RGB,
    })
  })
})

describe('parseParameters: decoding', () => {
  it('form-decodes query names and values once; paths keep `+`', () => {
    const parameters = [param('q', 'query', string), param('a b', 'query', string), param('id', 'path', string)]
    const parsed = parse(parameters, { rawQuery: 'q=a+b%2Bc%2525&a+b=1', pathParams: { id: 'x+y%20z' } })
    expect(parsed.values).toEqual({
      path: { id: 'x+y z' },
      query: { q: 'a b+c%25', 'a b': '1' },
      header: {},
      cookie: {},
    })
  })

  it('decodes before splitting, so an encoded delimiter splits like a literal one', () => {
    const parameters = [param('tags', 'query', array, { explode: false }), param('ids', 'path', array)]
    const parsed = parse(parameters, { rawQuery: 'tags=a%2Cb,c', pathParams: { ids: 'x%2Cy,z' } })
    expect(parsed.values.query.tags).toEqual(['a', 'b', 'c'])
    expect(parsed.values.path.ids).toEqual(['x', 'y', 'z'])
  })

  it('accepts allowReserved and decodes as usual', () => {
    const parsed = parse([param('next', 'query', string, { allowReserved: true })], { rawQuery: 'next=/a/b?c%3Dd' })
    expect(parsed.values.query.next).toBe('/a/b?c=d')
  })

  it.each(['%zz', '%C3%28', '%ED%A0%80', '%E2%82'])(
    'reports %s as a problem at the pointer, without the value',
    (bad) => {
      const parameters = [
        param('q', 'query', string),
        param('p', 'path', string, { style: 'label' }),
        param('ok', 'query', string),
      ]
      const parsed = parse(parameters, { rawQuery: `q=${bad}&ok=1`, pathParams: { p: `.${bad}` } })
      expect(parsed.errors.map((error) => error.pointer)).toEqual(['/query/q', '/path/p'])
      expect(JSON.stringify(parsed.errors)).not.toContain(bad)
      expect(parsed.values.query).toEqual({ ok: '1' })
    },
  )

  it('reports a path value not in its style', () => {
    const parameters = [param('a', 'path', string, { style: 'label' }), param('b', 'path', string, { style: 'matrix' })]
    const parsed = parse(parameters, { pathParams: { a: 'blue', b: ';other=blue' } })
    expect(parsed.errors).toEqual([
      { pointer: '/path/a', message: 'is not in label style' },
      { pointer: '/path/b', message: 'is not in matrix style' },
    ])
  })

  it('escapes names in pointers', () => {
    expect(parse([param('a/b~c', 'query', string)], { rawQuery: 'a%2Fb~c=%zz' }).errors[0]?.pointer).toBe(
      '/query/a~1b~0c',
    )
  })
})

describe('parseParameters: the rules the specification leaves open', () => {
  it('takes the first of a repeated non-array parameter, with a problem', () => {
    const parameters = [param('limit', 'query', string), param('tags', 'query', array, { explode: false })]
    const parsed = parse(parameters, { rawQuery: 'limit=1&limit=2&tags=a,b&tags=c' })
    expect(parsed.values.query).toEqual({ limit: '1', tags: ['a', 'b'] })
    expect(parsed.errors).toEqual([
      { pointer: '/query/limit', message: 'is repeated; only the first value is read' },
      { pointer: '/query/tags', message: 'is repeated; only the first value is read' },
    ])
  })

  it('reads each repeat of an exploded form array as one item', () => {
    expect(parse([param('id', 'query', array)], { rawQuery: 'id=1,2&id=3' }).values.query.id).toEqual(['1,2', '3'])
  })

  it('reads empty values as empty strings, or empty non-exploded arrays and objects', () => {
    const parameters = [
      param('limit', 'query', string),
      param('flag', 'query', string),
      param('ids', 'query', array),
      param('tags', 'query', array, { explode: false }),
      param('rgb', 'query', rgb, { explode: false }),
    ]
    const parsed = parse(parameters, { rawQuery: 'limit=&flag&ids=&tags=&rgb=' })
    expect(parsed.values.query).toEqual({ limit: '', flag: '', ids: [''], tags: [], rgb: {} })
  })

  it('refuses a deepObject key nested deeper, and a plain key beside the deepObject', () => {
    const parsed = parse([param('color', 'query', rgb, { style: 'deepObject', explode: true })], {
      rawQuery: 'color=red&color[R]=100&color[G][x]=1&color[]=2&color[B]=1&color[B]=2',
    })
    expect(parsed.values.query.color).toEqual({ R: '100', B: '1' })
    expect(parsed.errors.map((error) => error.pointer)).toEqual([
      '/query/color',
      '/query/color',
      '/query/color',
      '/query/color/B',
    ])
  })

  it('keeps a __proto__ key an own key, without polluting', () => {
    const parsed = parse([param('o', 'query', { type: 'object' }, { style: 'deepObject' })], {
      rawQuery: 'o[__proto__]=x',
    })
    const value = parsed.values.query.o as Record<string, unknown>
    expect(Object.hasOwn(value, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(parsed.values.query.constructor).toBeUndefined()
  })

  it('matches header names case-insensitively, query and cookie names exactly', () => {
    const parameters = [
      param('X-Rate', 'header', string),
      param('limit', 'query', string),
      param('session', 'cookie', string),
    ]
    const parsed = parse(parameters, { headers: { 'x-rate': '5' }, rawQuery: 'Limit=1', cookies: { Session: 'a' } })
    expect(parsed.values).toEqual({ path: {}, query: {}, header: { 'X-Rate': '5' }, cookie: {} })
  })

  it('reads a comma-joined repeated header as items of an array, as the whole for a primitive', () => {
    const headers: [string, string][] = [
      ['x-ids', 'a'],
      ['x-ids', 'b,c'],
      ['x-one', 'a'],
      ['x-one', 'b'],
    ]
    const parsed = parse([param('x-ids', 'header', array), param('x-one', 'header', string)], { headers })
    expect(parsed.values.header).toEqual({ 'x-ids': ['a', 'b', 'c'], 'x-one': 'a, b' })
  })

  it('ignores unknown query parameters and reads the first 1000 pairs only', () => {
    const filler = Array.from({ length: 999 }, (_, i) => `x${i}=1`).join('&')
    const parameters = [param('last', 'query', string), param('beyond', 'query', string)]
    expect(parse(parameters, { rawQuery: `${filler}&last=1&beyond=2` }).values.query).toEqual({ last: '1' })
  })

  it('reads exploded space- and pipe-delimited arrays as repeated keys, and refuses half objects', () => {
    const parameters = [param('a', 'query', array, { style: 'pipeDelimited', explode: true }), param('o', 'path', rgb)]
    const parsed = parse(parameters, { rawQuery: 'a=x&a=y', pathParams: { o: 'R,100,G' } })
    expect(parsed.values.query.a).toEqual(['x', 'y'])
    expect(parsed.errors).toEqual([{ pointer: '/path/o', message: 'has a property without a value' }])
  })

  it('never throws: a bad header name, a throwing resolver', () => {
    const resolve = () => {
      throw new Error('no')
    }
    const parameters = [param('bad name', 'header', string), param('q', 'query', { $ref: '#/x' })]
    expect(parse(parameters, { rawQuery: 'q=1' }, resolve).values).toEqual({
      path: {},
      query: { q: '1' },
      header: {},
      cookie: {},
    })
  })
})

describe('parseParameters: schemas and content', () => {
  const components: Record<string, Schema> = { Color: rgb, Tags: { type: ['array', 'null'], items: string } }
  const resolve = (schema: Schema | boolean) =>
    typeof schema === 'object' && typeof schema.$ref === 'string' ? (components[schema.$ref.slice(8)] ?? {}) : schema

  it('finds arrays and objects through $ref, type arrays and allOf', () => {
    const parameters = [
      param('tags', 'query', { $ref: '#/comps/Tags' }, { explode: false }),
      param('color', 'query', { allOf: [{ $ref: '#/comps/Color' }, { properties: { A: string } }] }),
      param('mixed', 'query', { type: ['array', 'object'] }),
    ]
    const parsed = parse(parameters, { rawQuery: 'tags=a,b&R=1&A=2&mixed=a,b' }, resolve)
    expect(parsed.values.query).toEqual({ tags: ['a', 'b'], color: { R: '1', A: '2' }, mixed: 'a,b' })
  })

  it('gives a free-form exploded object the names no other parameter claims (Appendix C)', () => {
    const formulas = param('formulas', 'query', { type: 'object', additionalProperties: string })
    const parsed = parse([formulas, param('words', 'query', array, { explode: false })], {
      rawQuery: 'a=x%2By&b=x%2Fy&c=x%5Ey&words=math,is,fun',
    })
    expect(parsed.values.query).toEqual({ formulas: { a: 'x+y', b: 'x/y', c: 'x^y' }, words: ['math', 'is', 'fun'] })
  })

  it('JSON-parses content parameters, safely', () => {
    const json = (name: string, location: OperationParameter['in']) =>
      param(name, location, { type: 'object' }, { contentType: 'application/json; charset=utf-8' })
    const parameters = [json('c', 'query'), json('bad', 'query'), json('proto', 'query'), json('h', 'header')]
    const parameters2 = [...parameters, json('k', 'cookie'), param('t', 'query', string, { contentType: 'text/plain' })]
    const parsed = parse(parameters2, {
      rawQuery: `c=${encodeURIComponent('{"lat":1.5}')}&bad=%7B&proto=${encodeURIComponent('{"__proto__":{"x":1}}')}&t=%7B`,
      headers: { h: '[1,2]' },
      cookies: { k: '{"constructor":{"prototype":{}}}' },
    })
    expect(parsed.values.query).toEqual({ c: { lat: 1.5 }, t: '{' })
    expect(parsed.values.header).toEqual({ h: [1, 2] })
    expect(parsed.errors).toEqual([
      { pointer: '/query/bad', message: 'is not valid JSON' },
      { pointer: '/query/proto', message: 'has a forbidden __proto__ or constructor key' },
      { pointer: '/cookie/k', message: 'has a forbidden __proto__ or constructor key' },
    ])
  })
})

describe('parseFormBody', () => {
  const schema = (properties: Record<string, Schema>, extra: Schema = {}) => ({
    pointer: '#/body',
    value: { type: 'object', properties, ...extra },
  })
  const encoding = (style?: ParameterStyle, explode?: boolean, contentType?: string) => ({
    style,
    explode,
    contentType,
    allowReserved: undefined,
  })

  it("reads fields as form/explode by default, and object fields as JSON (the spec's default contentType)", () => {
    const body = schema({ name: string, tags: array, address: { type: 'object', properties: { city: string } } })
    const address = encodeURIComponent('{"city":"Oslo"}')
    const parsed = parseFormBody(`name=Ann+Lee&tags=a&tags=b&address=${address}&other=1`, body, {}, identity)
    expect(parsed).toEqual({
      value: { name: 'Ann Lee', tags: ['a', 'b'], address: { city: 'Oslo' }, other: '1' },
      errors: [],
    })
  })

  it('follows each property’s encoding', () => {
    const body = schema({ tags: array, address: { type: 'object' }, meta: { type: 'object' }, styled: string })
    const parsed = parseFormBody(
      `tags=a%7Cb&address[city]=Oslo&meta=${encodeURIComponent('{"a":[1]}')}&styled=${encodeURIComponent('"x"')}`,
      body,
      {
        tags: encoding('pipeDelimited'),
        address: encoding('deepObject', true),
        meta: encoding(undefined, undefined, 'application/json'),
        // An explicit style wins over contentType.
        styled: encoding('form', undefined, 'application/json'),
      },
      identity,
    )
    expect(parsed).toEqual({
      value: { tags: ['a', 'b'], address: { city: 'Oslo' }, meta: { a: [1] }, styled: '"x"' },
      errors: [],
    })
  })

  it('reports problems at /body pointers and keeps undeclared fields for the schema to judge', () => {
    const body = schema({ name: string, meta: { type: 'object' } }, { additionalProperties: array })
    const text = `name=a&name=b&meta=${encodeURIComponent('{"__proto__":{}}')}&bad=%zz&extra=1&extra=2`
    const parsed = parseFormBody(text, body, { meta: encoding(undefined, undefined, 'application/json') }, identity)
    expect(parsed.value).toEqual({ name: 'a', extra: ['1', '2'] })
    expect(parsed.errors.map((error) => error.pointer)).toEqual(['/body/name', '/body/meta', '/body/bad'])
  })

  it('reads the first 1000 pairs without a schema', () => {
    const text = Array.from({ length: 1001 }, (_, i) => `f${i}=${i}`).join('&')
    const parsed = parseFormBody(text, undefined, {}, identity)
    expect(Object.keys(parsed.value)).toHaveLength(1000)
    expect(parsed.value.f999).toBe('999')
  })
})
