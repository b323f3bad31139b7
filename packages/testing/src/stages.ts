import { proceed, type Stage } from '@portcullis/core'

/** A stage that reads POST bodies (as JSON when they say so), as validation and body-keyed limits will. */
export const readsBodyStage: Stage = {
  name: 'reads-body',
  phase: 'validate',
  async run(ctx) {
    if (ctx.request.method !== 'POST') return proceed
    if (ctx.request.headers.get('content-type')?.includes('json')) await ctx.request.body.json()
    else await ctx.request.body.bytes()
    return proceed
  },
}
