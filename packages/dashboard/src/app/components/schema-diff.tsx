import type { EndpointDiff } from '@portcullis/core'

function EndpointList({ title, hint, endpoints }: { title: string; hint: string; endpoints: EndpointDiff['shadow'] }) {
  return (
    <div class="diff-column">
      <h3>
        {title} <span class="count">({endpoints.length})</span>
      </h3>
      <p class="hint">{hint}</p>
      {endpoints.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <ul>
          {endpoints.map(({ method, template }) => (
            <li key={`${method} ${template}`}>
              <span class={`method method-${method.toLowerCase()}`}>{method}</span> <code>{template}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** The traffic against the OpenAPI document: what is served but undocumented, and what is documented but unused. */
export function SchemaDiff({ diff }: { diff: EndpointDiff | undefined }) {
  return (
    <section aria-labelledby="diff-heading">
      <h2 id="diff-heading">Schema diff</h2>
      {diff === undefined ? (
        <p class="empty">The diff needs an OpenAPI document (the openapi section) and discovery.</p>
      ) : (
        <div class="diff">
          <EndpointList title="Shadow" hint="In the traffic, not in the OpenAPI document." endpoints={diff.shadow} />
          <EndpointList
            title="Zombie"
            hint="In the OpenAPI document, never seen in the traffic."
            endpoints={diff.zombie}
          />
        </div>
      )}
    </section>
  )
}
