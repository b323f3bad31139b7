import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { loadOpenApi } from '../src/stages/validation/load-openapi'
import {
  type OpenApiDocumentModel,
  OpenApiLoadError,
  type OpenApiOperation,
  type OpenApiProblem,
} from '../src/stages/validation/openapi-model'

const fixtures = fileURLToPath(new URL('./fixtures/openapi/', import.meta.url))
const fixture = (name: string) => join(fixtures, name)
// A large real-world document, shared between checkouts and never copied into the repository.
const twilio = fileURLToPath(new URL('../../../../shared/fixtures/openapi/twilio_api_v2010.json', import.meta.url))

async function problemsOf(...args: Parameters<typeof loadOpenApi>): Promise<readonly OpenApiProblem[]> {
  try {
    await loadOpenApi(...args)
  } catch (error) {
    expect(error).toBeInstanceOf(OpenApiLoadError)
    return (error as OpenApiLoadError).problems
  }
  throw new Error('the document was accepted')
}

/** The value at a `#/a/b` pointer, to check that the loader's pointers really lead somewhere. */
function at(root: unknown, pointer: string): unknown {
  if (pointer === '#') return root
  return pointer
    .slice(2)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], root)
}

function operationOf(model: OpenApiDocumentModel, method: string, template: string): OpenApiOperation {
  const operation = model.operations.find((candidate) => candidate.method === method && candidate.template === template)
  if (operation === undefined) throw new Error(`no operation ${method} ${template}`)
  return operation
}

function parameterOf(operation: OpenApiOperation, name: string) {
  const parameter = operation.parameters.find((candidate) => candidate.name === name)
  if (parameter === undefined) throw new Error(`no parameter ${name} in ${operation.method} ${operation.template}`)
  return parameter
}

/** Every `$ref` string in a value. */
function refsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return []
  const own = typeof (value as { $ref?: unknown }).$ref === 'string' ? [(value as { $ref: string }).$ref] : []
  return [...own, ...Object.values(value).flatMap(refsIn)]
}

// Serves the fixtures over HTTP, plus a document that never answers and one that names a local file.
let server: Server
let base: string
beforeAll(async () => {
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    if (path === '/slow.yaml') return
    if (path === '/local-ref.json') {
      const schema = { $ref: `file://${fixture('schemas/pet.yaml')}#/Pet` }
      const responses = { 200: { description: 'OK', content: { 'application/json': { schema } } } }
      response.end(
        JSON.stringify({
          openapi: '3.0.3',
          info: { title: 'x', version: '1' },
          paths: { '/a': { get: { responses } } },
        }),
      )
      return
    }
    const file = join(fixtures, path)
    if (!file.startsWith(fixtures) || !existsSync(file)) {
      response.writeHead(404).end('not found')
      return
    }
    response.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('loadOpenApi: petstore.yaml (OpenAPI 3.0, split over two files)', () => {
  let model: OpenApiDocumentModel
  beforeAll(async () => {
    model = await loadOpenApi('petstore.yaml', { baseDirectory: fixtures })
  })

  it('reads the file relative to baseDirectory and names it', () => {
    expect(model).toMatchObject({
      version: '3.0',
      openapi: '3.0.3',
      title: 'Petstore',
      source: fixture('petstore.yaml'),
    })
  })

  it('inlines the second file and keeps the recursive Category as an internal $ref', () => {
    expect(refsIn(model.root).every((ref) => ref.startsWith('#/'))).toBe(true)
    expect(() => JSON.stringify(model.root)).not.toThrow() // a tree with $refs, not a cyclic object graph
    const category = at(model.root, '#/components/schemas/Category') as { properties: { parent: { $ref: string } } }
    expect(category.properties.parent.$ref).toBe('#/components/schemas/Category')
    // The bundler inlines Pet at one of its uses and points the others there.
    const pets = operationOf(model, 'GET', '/pets/{petId}').responses['200']?.map((media) => media.schema?.value)
    const pet = pets?.map((value) =>
      typeof value === 'object' && typeof value.$ref === 'string' ? at(model.root, value.$ref) : value,
    )
    expect(pet).toMatchObject([
      { type: 'object', required: ['id', 'name'] },
      { type: 'object', required: ['id', 'name'] },
    ])
  })

  it('takes the base paths from the servers: variables at their defaults, each once, no trailing slash', () => {
    expect(model.basePaths).toEqual(['/v1', '/v2', ''])
  })

  it('lists every operation of every path item', () => {
    expect(
      model.operations.map((operation) => `${operation.method} ${operation.template} ${operation.operationId}`),
    ).toEqual([
      'GET /pets listPets',
      'POST /pets createPet',
      'GET /pets/{petId} showPet',
      'PUT /pets/{petId} updatePet',
      'GET /categories/{categoryId} showCategory',
    ])
  })

  it('merges path-item parameters under the operation ones, the operation winning on name and location', () => {
    const show = operationOf(model, 'GET', '/pets/{petId}')
    expect(show.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'path:petId',
      'query:verbose',
      'query:tags',
      'cookie:session',
    ])
    expect(parameterOf(show, 'verbose')).toMatchObject({
      required: true,
      explode: false,
      pointer: '#/paths/~1pets~1{petId}/get/parameters/0',
      schema: { pointer: '#/paths/~1pets~1{petId}/get/parameters/0/schema', value: { enum: ['short', 'long'] } },
    })
    const update = operationOf(model, 'PUT', '/pets/{petId}')
    expect(parameterOf(update, 'verbose')).toMatchObject({
      required: false,
      pointer: '#/paths/~1pets~1{petId}/parameters/1',
    })
  })

  it('applies the OpenAPI 3 style and explode defaults, and makes path parameters required', () => {
    const summary = (operation: OpenApiOperation) =>
      operation.parameters.map((p) => `${p.in}:${p.name}:${p.style}:${p.explode}:${p.required}`)
    expect(summary(operationOf(model, 'GET', '/pets'))).toEqual([
      'query:limit:form:true:false',
      'header:X-Trace:simple:false:false',
    ])
    expect(summary(operationOf(model, 'GET', '/pets/{petId}'))).toEqual([
      'path:petId:simple:false:true',
      'query:verbose:form:false:true',
      'query:tags:pipeDelimited:false:false',
      'cookie:session:form:true:false',
    ])
  })

  it('leaves out header parameters OpenAPI says to ignore (Authorization, Accept, Content-Type)', () => {
    expect(operationOf(model, 'GET', '/pets').parameters.map((parameter) => parameter.name)).not.toContain(
      'Authorization',
    )
  })

  it('points a $ref parameter into its component, so that its schema compiles from root', () => {
    const petId = parameterOf(operationOf(model, 'GET', '/pets/{petId}'), 'petId')
    expect(petId.pointer).toBe('#/components/parameters/PetId')
    expect(petId.schema).toEqual({
      pointer: '#/components/parameters/PetId/schema',
      value: { type: 'integer', format: 'int64' },
    })
  })

  it('describes a parameter given by content with its media type and schema', () => {
    const filter = parameterOf(operationOf(model, 'GET', '/categories/{categoryId}'), 'filter')
    expect(filter.contentType).toBe('application/json')
    expect(filter.schema?.pointer).toBe(
      '#/paths/~1categories~1{categoryId}/get/parameters/1/content/application~1json/schema',
    )
  })

  it('reads request bodies, following a $ref, with every content type and its encoding', () => {
    expect(operationOf(model, 'GET', '/pets').requestBody).toBeUndefined()
    const create = operationOf(model, 'POST', '/pets').requestBody
    expect(create).toMatchObject({ required: true, pointer: '#/components/requestBodies/PetBody' })
    expect(create?.content.map((media) => [media.mediaType, media.schema?.pointer])).toEqual([
      ['application/json', '#/components/requestBodies/PetBody/content/application~1json/schema'],
    ])
    const update = operationOf(model, 'PUT', '/pets/{petId}').requestBody
    expect(update?.content.map((media) => media.mediaType)).toEqual([
      'multipart/form-data',
      'application/x-www-form-urlencoded',
    ])
    expect(update?.content[0]?.encoding).toEqual({
      meta: { contentType: 'application/json', style: undefined, explode: undefined, allowReserved: undefined },
      photo: { contentType: 'image/png', style: 'form', explode: true, allowReserved: false },
    })
    expect(update?.content[1]?.encoding).toEqual({})
  })

  it('reads responses by status, following a $ref, with their content', () => {
    const list = operationOf(model, 'GET', '/pets').responses
    expect(Object.keys(list)).toEqual(['200', 'default'])
    expect(list.default?.map((media) => [media.mediaType, media.schema?.pointer])).toEqual([
      ['application/problem+json', '#/components/responses/Error/content/application~1problem+json/schema'],
    ])
    expect(operationOf(model, 'POST', '/pets').responses).toEqual({ '201': [] })
    expect(operationOf(model, 'GET', '/pets/{petId}').responses['200']?.map((media) => media.mediaType)).toEqual([
      'application/json',
      'application/xml',
    ])
  })

  it("uses an operation's own security, else the document's", () => {
    expect(operationOf(model, 'GET', '/pets').security).toEqual([{ apiKey: [] }])
    expect(operationOf(model, 'POST', '/pets').security).toEqual([])
    expect(operationOf(model, 'PUT', '/pets/{petId}').security).toEqual([{ oauth: ['pets:write'] }])
    expect(Object.keys(model.securitySchemes)).toEqual(['apiKey', 'oauth'])
  })

  it('merges x-portcullis of the path item under that of the operation', () => {
    expect(operationOf(model, 'GET', '/pets').extension).toEqual({ rateLimit: 10, tag: 'operation' })
    expect(operationOf(model, 'POST', '/pets').extension).toEqual({ rateLimit: 10, tag: 'path' })
    expect(operationOf(model, 'GET', '/pets/{petId}').extension).toEqual({})
  })

  it('gives pointers that lead to the very values in root', () => {
    expect(at(model.root, '#/paths/~1pets~1{petId}/get')).toMatchObject({ operationId: 'showPet' })
    for (const operation of model.operations) {
      expect(at(model.root, operation.pointer)).toMatchObject({ operationId: operation.operationId })
      const schemas = [
        ...operation.parameters.map((parameter) => parameter.schema),
        ...(operation.requestBody?.content ?? []).map((media) => media.schema),
        ...Object.values(operation.responses).flatMap((content) => content.map((media) => media.schema)),
      ]
      for (const schema of schemas) if (schema !== undefined) expect(at(model.root, schema.pointer)).toBe(schema.value)
    }
  })
})

describe('loadOpenApi: hotels-3.1.json (OpenAPI 3.1)', () => {
  let model: OpenApiDocumentModel
  beforeAll(async () => {
    model = await loadOpenApi(fixture('hotels-3.1.json'))
  })

  it('reads the 3.1 line, keeping type arrays and $ref siblings as written', () => {
    expect(model).toMatchObject({ version: '3.1', openapi: '3.1.0', title: 'Hotels' })
    expect(at(model.root, '#/components/schemas/Hotel/properties/nickname/type')).toEqual(['string', 'null'])
    const schema = operationOf(model, 'GET', '/hotels/{id}').responses['200']?.[0]?.schema
    expect(schema).toEqual({
      pointer: '#/paths/~1hotels~1{id}/get/responses/200/content/application~1json/schema',
      value: { $ref: '#/components/schemas/Hotel', description: 'A hotel, described next to its $ref' },
    })
  })

  it('replaces server variables by their defaults (ports included) and removes duplicate base paths', () => {
    expect(model.basePaths).toEqual(['/api/v2'])
  })

  it('ignores webhooks, and follows a $ref parameter that has siblings', () => {
    expect(model.operations.map((operation) => operation.operationId)).toEqual(['getHotel'])
    expect(model.operations[0]?.parameters).toMatchObject([
      { name: 'id', in: 'path', required: true, pointer: '#/components/parameters/HotelId' },
    ])
  })
})

describe('loadOpenApi: sources', () => {
  it('loads an object, resolving its relative $refs against baseDirectory, and leaves the object alone', async () => {
    const document = parseYaml(readFileSync(fixture('petstore.yaml'), 'utf8')) as Record<string, unknown>
    const before = structuredClone(document)
    const model = await loadOpenApi(document, { baseDirectory: fixtures })
    expect(model.source).toBe('(object)')
    expect(model.operations).toHaveLength(5)
    expect(refsIn(model.root).every((ref) => ref.startsWith('#/'))).toBe(true)
    expect(document).toEqual(before)
  })

  it('loads a 3.1 object without paths, and a document without servers has the base path ""', async () => {
    const model = await loadOpenApi({
      openapi: '3.1.0',
      info: { title: 'Only webhooks', version: '1' },
      webhooks: { ping: { post: { responses: { '200': { description: 'OK' } } } } },
    })
    expect(model.operations).toEqual([])
    expect(model.basePaths).toEqual([''])
  })

  it('loads a URL, fetching the files its $refs name from the same server', async () => {
    const model = await loadOpenApi(`${base}/petstore.yaml`)
    expect(model.source).toBe(`${base}/petstore.yaml`)
    expect(model.operations).toHaveLength(5)
    expect(refsIn(model.root).every((ref) => ref.startsWith('#/'))).toBe(true)
    expect(model.basePaths).toEqual(['/v1', '/v2', ''])
    expect((await loadOpenApi(`${base}/hotels-3.1.json`)).version).toBe('3.1')
  })
})

describe('loadOpenApi: problems', () => {
  it('a missing file', async () => {
    expect(await problemsOf('nope.yaml', { baseDirectory: fixtures })).toEqual([
      { file: fixture('nope.yaml'), pointer: '#', message: 'no such file' },
    ])
  })

  it('a URL that answers an error, one that refuses the connection, and one that does not answer in time', async () => {
    expect(await problemsOf(`${base}/nope.yaml`)).toEqual([
      { file: `${base}/nope.yaml`, pointer: '#', message: 'the server answered HTTP 404' },
    ])
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    expect(await problemsOf(`http://127.0.0.1:${port}/openapi.json`)).toEqual([
      { file: `http://127.0.0.1:${port}/openapi.json`, pointer: '#', message: 'cannot be fetched: ECONNREFUSED' },
    ])
    expect(await problemsOf(`${base}/slow.yaml`, { timeoutMs: 200 })).toEqual([
      { file: `${base}/slow.yaml`, pointer: '#', message: 'no answer within 200 ms' },
    ])
  })

  it('a document from a URL that names a local file', async () => {
    const problems = await problemsOf(`${base}/local-ref.json`)
    expect(problems).toEqual([
      {
        file: fixture('schemas/pet.yaml'),
        pointer: '#',
        message: 'a document fetched from a URL cannot refer to local files',
      },
    ])
  })

  it('YAML and JSON syntax errors, with line and column', async () => {
    // Written here rather than kept as fixtures, where they would break the repository's lint.
    const folder = mkdtempSync(join(tmpdir(), 'portcullis-openapi-'))
    try {
      writeFileSync(
        join(folder, 'syntax.yaml'),
        'openapi: 3.0.3\ninfo:\n  title: Broken indentation\n version: 1.0.0\n',
      )
      writeFileSync(
        join(folder, 'syntax.json'),
        '{\n  "openapi": "3.0.3",\n  "info": { "title": "x" "version": "1" }\n}\n',
      )
      expect(await problemsOf('syntax.yaml', { baseDirectory: folder })).toEqual([
        {
          file: join(folder, 'syntax.yaml'),
          pointer: '#',
          message: expect.stringMatching(/^invalid YAML at line 4, column 1: .*\(BAD_INDENT\)$/),
        },
      ])
      expect(await problemsOf('syntax.json', { baseDirectory: folder })).toEqual([
        {
          file: join(folder, 'syntax.json'),
          pointer: '#',
          message: expect.stringMatching(/^invalid JSON at line 3, column 26: /),
        },
      ])
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('Swagger 2.0, OpenAPI 3.2 and documents that are not OpenAPI at all are refused', async () => {
    expect(await problemsOf(fixture('broken/swagger.yaml'))).toEqual([
      {
        file: fixture('broken/swagger.yaml'),
        pointer: '#/swagger',
        message: 'Swagger 2.0 is not supported: convert the document to OpenAPI 3.0 or 3.1',
      },
    ])
    expect(await problemsOf({ openapi: '3.2.0', info: { title: 'x', version: '1' }, paths: {} })).toEqual([
      { file: '(object)', pointer: '#/openapi', message: 'OpenAPI 3.2.0 is not supported: use 3.0.x or 3.1.x' },
    ])
    expect((await problemsOf({ info: { title: 'x' } }))[0]?.pointer).toBe('#/openapi')
  })

  it('lists schema errors (by pointer) together with the loader’s own checks, in one pass', async () => {
    const file = fixture('broken/invalid.yaml')
    const problems = await problemsOf(file)
    expect(problems.every((problem) => problem.file === file)).toBe(true)
    expect(problems.map(({ pointer, message }) => ({ pointer, message }))).toEqual([
      { pointer: '#/info', message: "must have required property 'version'" },
      { pointer: '#/servers/0', message: "must have required property 'url'" },
      {
        pointer: '#/paths/~1items/get/responses/200/content/application~1json/schema/type',
        message: expect.stringContaining('(did you mean string?)'),
      },
      // A schema error inside a component is found even though no operation uses the component.
      { pointer: '#/components/parameters/Limit/schema/minimum', message: 'must be number' },
      { pointer: '#/servers/1/url', message: 'uses {tenant}, which variables does not define with a default' },
      { pointer: '#/paths/~1items/get/x-portcullis', message: 'must be an object' },
      {
        pointer: '#/paths/~1items~1{itemId}/get/operationId',
        message: 'operationId "listItems" is already used by GET /items',
      },
      {
        pointer: '#/paths/~1items~1{itemId}/get/parameters/0',
        message: 'path parameter "id" has no {id} in the path template /items/{itemId}',
      },
      {
        pointer: '#/paths/~1items~1{itemId}/get',
        message: 'the path template has {itemId}, but the operation has no path parameter "itemId"',
      },
    ])
  })

  it("the parser's own rules (an array without items, a bad security scheme) with pointers too", async () => {
    const schema = { type: 'array' }
    const problems = await problemsOf({
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: {
        '/a': { get: { responses: { '200': { description: 'OK', content: { 'application/json': { schema } } } } } },
      },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', name: 'x' } } },
    })
    expect(problems).toEqual([
      {
        file: '(object)',
        pointer: '#/paths/~1a/get/responses/200/content/application~1json/schema',
        message: 'is an array, so it must include an `items` schema.',
      },
      {
        file: '(object)',
        pointer: '#/components/securitySchemes/token',
        message: '(`type: http`) includes `name`, which is only valid for `type: apiKey` schemes.',
      },
    ])
  })

  it('every $ref that leads nowhere, in every file, and every file that cannot be read or parsed', async () => {
    const problems = await problemsOf(fixture('broken/missing-refs.yaml'))
    const main = fixture('broken/missing-refs.yaml')
    expect(problems).toEqual([
      { file: fixture('broken/no-such-file.yaml'), pointer: '#', message: 'no such file' },
      {
        file: fixture('broken/bad-part.yaml'),
        pointer: '#',
        message: 'invalid YAML at line 4, column 3: Map keys must be unique (DUPLICATE_KEY)',
      },
      {
        file: main,
        pointer: '#/paths/~1a/get/parameters/0',
        message: '$ref "#/components/parameters/Nope" cannot be resolved',
      },
      {
        file: main,
        pointer: '#/paths/~1a/get/responses/200/content/application~1json/schema',
        message: '$ref "./part.yaml#/Missing" cannot be resolved',
      },
      {
        file: fixture('broken/part.yaml'),
        pointer: '#/Present/properties/next',
        message: '$ref "#/Absent" cannot be resolved',
      },
    ])
  })

  it('an object source is named (object), also for a $ref that leads nowhere', async () => {
    const problems = await problemsOf({
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: { '/a': { get: { responses: { '200': { $ref: '#/components/responses/Gone' } } } } },
    })
    expect(problems).toEqual([
      {
        file: '(object)',
        pointer: '#/paths/~1a/get/responses/200',
        message: '$ref "#/components/responses/Gone" cannot be resolved',
      },
    ])
  })
})

describe('loadOpenApi: a large real-world document', () => {
  it.skipIf(!existsSync(twilio))(`loads Twilio's API v2010 (skipped when ${twilio} is absent)`, async () => {
    const started = performance.now()
    const model = await loadOpenApi(twilio)
    console.log(`Twilio API v2010 (1.9 MB, 197 operations) loaded in ${Math.round(performance.now() - started)} ms`)
    expect(model.version).toBe('3.0')
    expect(model.operations).toHaveLength(197)
    expect(model.basePaths).toEqual([''])
  })
})
