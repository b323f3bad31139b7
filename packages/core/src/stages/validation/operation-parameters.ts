import { schemaRef, styleOf } from './content-schemas'
import { appendPointer, asObject, type JsonObject, type Located } from './document-pointer'
import type { OperationParameter, ParameterLocation } from './openapi-model'

const locations: readonly string[] = ['path', 'query', 'header', 'cookie']
// OpenAPI 3.x §4.8.12.1: header parameters with these names "SHALL be ignored"; other fields describe them.
const ignoredHeaders: readonly string[] = ['accept', 'content-type', 'authorization']

/** A parameter of an operation and the place it is listed at (its `$ref`, or the parameter itself). */
export interface ListedParameter {
  readonly parameter: OperationParameter
  readonly site: string
}

/**
 * The parameters of the owners (a path item, then its operation), a later one replacing an
 * earlier one of the same name and location. `resolve` follows a `$ref` (and reports one that
 * leads nowhere).
 */
export function mergedParameters(
  owners: readonly { readonly owner: JsonObject; readonly pointer: string }[],
  resolve: (node: Located) => Located | undefined,
): ListedParameter[] {
  const parameters = new Map<string, ListedParameter>()
  for (const { owner, pointer } of owners) {
    const list = Array.isArray(owner.parameters) ? owner.parameters : []
    list.forEach((entry, index) => {
      const site = appendPointer(pointer, 'parameters', index)
      const target = resolve({ value: entry, pointer: site })
      const parameter = target === undefined ? undefined : parameterOf(target)
      if (parameter === undefined) return
      // Header names are case-insensitive. Map.set keeps the first position, so an overriding
      // operation parameter takes the place of the path item's.
      const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name
      parameters.set(`${parameter.in} ${name}`, { parameter, site })
    })
  }
  return [...parameters.values()]
}

/** A parameter with the OpenAPI 3 defaults applied; `undefined` for one that is malformed or to be ignored. */
function parameterOf({ value, pointer }: Located): OperationParameter | undefined {
  const parameter = asObject(value)
  const location = parameter?.in
  if (parameter === undefined || typeof parameter.name !== 'string' || typeof location !== 'string') return undefined
  if (!locations.includes(location)) return undefined
  if (location === 'header' && ignoredHeaders.includes(parameter.name.toLowerCase())) return undefined
  const style = styleOf(parameter.style) ?? (location === 'query' || location === 'cookie' ? 'form' : 'simple')
  // A parameter is described either by `schema` or by `content` with exactly one media type.
  const [contentType, media] = Object.entries(asObject(parameter.content) ?? {})[0] ?? []
  const schema =
    contentType === undefined
      ? schemaRef(parameter.schema, appendPointer(pointer, 'schema'))
      : schemaRef(asObject(media)?.schema, appendPointer(pointer, 'content', contentType, 'schema'))
  return {
    name: parameter.name,
    in: location as ParameterLocation,
    required: location === 'path' || parameter.required === true,
    style,
    explode: typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form',
    allowReserved: parameter.allowReserved === true,
    schema,
    contentType,
    pointer,
    valuePointer: appendPointer(`/${location}`, parameter.name),
  }
}
