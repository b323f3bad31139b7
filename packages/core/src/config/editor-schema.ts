import { codeOnlyKeyword, gatewayConfigSchema } from './schema'

type JsonValue = unknown

/** Drops code-only values: an editor checking a YAML file cannot see functions or instances. */
function withoutCodeOnly(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutCodeOnly)
  if (typeof value !== 'object' || value === null) return value
  const result: Record<string, JsonValue> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === 'anyOf' && Array.isArray(item)) {
      result[key] = item
        .filter((branch) => !(typeof branch === 'object' && branch !== null && codeOnlyKeyword in branch))
        .map(withoutCodeOnly)
    } else if (key === 'properties' && typeof item === 'object' && item !== null) {
      result[key] = Object.fromEntries(
        Object.entries(item)
          .filter(([, property]) => !isCodeOnlyProperty(property))
          .map(([name, property]) => [name, withoutCodeOnly(property)]),
      )
    } else {
      result[key] = withoutCodeOnly(item)
    }
  }
  return result
}

const isCodeOnlyProperty = (property: unknown): boolean => {
  if (typeof property !== 'object' || property === null) return false
  if (codeOnlyKeyword in property) return true
  const items = (property as { items?: unknown }).items
  return typeof items === 'object' && items !== null && codeOnlyKeyword in items
}

/**
 * The JSON Schema editors use to complete and check `portcullis.yaml` (shipped as
 * `@portcullis/core/config.schema.json`): the config schema without code-only values.
 */
export function editorConfigSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(gatewayConfigSchema)) as Record<string, unknown>
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://portcullis.dev/schemas/config.schema.json',
    ...(withoutCodeOnly(plain) as Record<string, unknown>),
  }
}
