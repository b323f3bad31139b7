/**
 * The benchmark API's OpenAPI document: what Portcullis validates in its full configuration and what
 * express-openapi-validator validates in the Express peer stack (the Hono peer stack checks the same
 * rules with zod). The POST body is checked in full; the GET's id must be digits.
 */
export const usersOpenApi = {
  openapi: '3.0.3',
  info: { title: 'Benchmark users API', version: '1.0.0' },
  paths: {
    '/users/{id}': {
      get: {
        operationId: 'getUser',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{1,12}$' } }],
        responses: { '200': { description: 'The user.' } },
      },
    },
    '/users': {
      post: {
        operationId: 'createUser',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewUser' } } },
        },
        responses: { '201': { description: 'The user, with its id.' } },
      },
    },
  },
  components: {
    schemas: {
      NewUser: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'email'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          email: { type: 'string', format: 'email', maxLength: 254 },
          age: { type: 'integer', minimum: 0, maximum: 150 },
          role: { type: 'string', enum: ['admin', 'member', 'guest'] },
          newsletter: { type: 'boolean' },
        },
      },
    },
  },
} as const
