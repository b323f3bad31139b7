import type { Engine } from '@portcullis/core'

/**
 * Prints one line per request from the gateway's lifecycle events: what was asked, who answered,
 * the status, the time taken, and each stage's decision (a denial shows its error code).
 */
export function logRequests(engine: Engine, write: (line: string) => void = console.log): () => void {
  return engine.events.on('request.responded', (event) => {
    const { ctx } = event
    const stages = ctx.timings
      .map((timing) => {
        const verdict = timing.action === 'continue' ? 'ok' : timing.enforced ? timing.action : 'would deny'
        return `${timing.stage}:${verdict}`
      })
      .join(' ')
    const route = event.routeTemplate ?? (ctx.request.path || '(refused target)')
    const caller = ctx.principal?.consumer ?? 'anonymous'
    write(
      `${ctx.request.method} ${route} → ${event.status} by ${event.answeredBy} in ${event.durationMs.toFixed(2)} ms ` +
        `[${stages}] ${caller} id=${ctx.requestId}`,
    )
  })
}
