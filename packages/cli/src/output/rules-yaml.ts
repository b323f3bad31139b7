import type { recommendedRule } from '@portcullis/core'

/** A `rateLimits` rule as the gateway's config takes it. */
export type RateLimitRule = ReturnType<typeof recommendedRule>

// Plain YAML scalars that stay strings: a word or a duration, never one YAML 1.1 reads as a boolean or null.
const plain = /^[A-Za-z][A-Za-z0-9_.-]*$|^\d+(\.\d+)?(ms|s|m|h|d)$/
const keywords = /^(true|false|yes|no|on|off|y|n|null)$/i

/** A scalar for a YAML flow mapping: plain when safe, else double-quoted (JSON's quoting is valid YAML). */
export function yamlScalar(value: string | number): string {
  if (typeof value === 'number') return String(value)
  return plain.test(value) && !keywords.test(value) ? value : JSON.stringify(value)
}

function byText(by: RateLimitRule['by']): string {
  if (typeof by === 'string') return yamlScalar(by)
  if (Array.isArray(by)) return `[${by.map(byText).join(', ')}]`
  const [[key, value]] = Object.entries(by) as [[string, string]]
  return `{ ${key}: ${yamlScalar(value)} }`
}

/** The `rateLimits` section holding `rules`, a flow mapping a line, ready to paste into portcullis.yaml. */
export function rulesYaml(rules: readonly RateLimitRule[]): string[] {
  if (rules.length === 0) return ['rateLimits: []']
  return [
    'rateLimits:',
    ...rules.map((rule) => {
      const fields = [
        rule.name === undefined ? undefined : `name: ${yamlScalar(rule.name)}`,
        // Always quoted, as in the docs: a match starts with a method and holds `*`s.
        rule.match === undefined ? undefined : `match: ${JSON.stringify(rule.match)}`,
        `by: ${byText(rule.by)}`,
        `limit: ${rule.limit}`,
        `window: ${yamlScalar(rule.window)}`,
        rule.mode === undefined ? undefined : `mode: ${rule.mode}`,
      ]
      return `  - { ${fields.filter((field) => field !== undefined).join(', ')} }`
    }),
  ]
}
