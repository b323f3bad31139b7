import { LITERAL, REST, VARIABLE } from './template-node'

/** One segment of a framework route or OpenAPI path: a literal's text, or a variable's name and suffix. */
export type KnownSegment =
  | { readonly shape: typeof LITERAL; readonly text: string }
  | { readonly shape: typeof VARIABLE | typeof REST; readonly name: string | undefined; readonly suffix: string }

/** Normalises `/account/:id`, `/files/{name}.json`, `/static/*rest`, `/a/:id(\d+)` into segments. */
export function parseKnownTemplate(template: string, maxSegments: number): KnownSegment[] | undefined {
  if (!template.startsWith('/')) return undefined
  const parts = template.split('/').filter((part) => part !== '')
  if (parts.length > maxSegments) return undefined
  return parts.map((part, i): KnownSegment => {
    const last = i === parts.length - 1
    if (part === '**' || (part.startsWith('*') && part.length > 1)) {
      return { shape: last ? REST : VARIABLE, name: part === '**' ? undefined : part.slice(1), suffix: '' }
    }
    if (part === '*') return { shape: VARIABLE, name: undefined, suffix: '' }
    if (part.startsWith(':')) {
      let end = 1
      while (end < part.length && /\w/.test(part.charAt(end))) end++
      let rest = part.slice(end)
      const close = rest.startsWith('(') ? rest.lastIndexOf(')') : rest.startsWith('{') ? rest.indexOf('}') : -1
      if (close !== -1) rest = rest.slice(close + 1)
      const repeat = rest.startsWith('*') || rest.startsWith('+')
      if (rest.startsWith('?') || repeat) rest = rest.slice(1)
      const suffix = rest.includes(':') || rest.includes('{') ? '' : rest
      return { shape: repeat && last ? REST : VARIABLE, name: part.slice(1, end) || undefined, suffix }
    }
    const close = part.indexOf('}')
    if (part.startsWith('{') && close > 1) {
      const name = part.slice(1, close)
      const suffix = part.slice(close + 1)
      const rest = name.startsWith('*') && last
      return {
        shape: rest ? REST : VARIABLE,
        name: (rest ? name.slice(1) : name) || undefined,
        suffix: rest ? '' : suffix,
      }
    }
    return { shape: LITERAL, text: part }
  })
}

/** The normalised template of parsed segments: `{name}` (`{varN}` when unnamed) per variable, `**` for a rest. */
export function renderKnownTemplate(segments: readonly KnownSegment[]): string {
  let variables = 0
  let template = ''
  for (const s of segments) {
    if (s.shape === LITERAL) template += `/${s.text}`
    else if (s.shape === REST) template += '/**'
    else template += `/{${s.name ?? `var${variables + 1}`}}${s.suffix}`
    if (s.shape !== LITERAL) variables++
  }
  return template === '' ? '/' : template
}
