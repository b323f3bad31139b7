import type { GatewayContext } from '../../engine/context'
import { proceed, type Stage, type StageDecision } from '../../engine/stage'
import { GatewayError, isGatewayError } from '../../errors/gateway-error'
import type { AdminAccess } from './admin-access'
import { AdminAnswer, type AdminCall, dispatchAdmin, type Resource } from './admin-api'
import type { DashboardAssets } from './dashboard-assets'

/** The default place of the admin API and dashboard. */
export const defaultAdminPath = '/_portcullis'

/** Headers on every admin answer: never cached, never sniffed, never framed, no referrer. */
const commonHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

/** The dashboard page loads only its own files and talks only to its own origin. */
const pageSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

function json(status: number, body: unknown, head: boolean): Response {
  const headers = { ...commonHeaders, 'content-type': 'application/json; charset=utf-8' }
  if (status === 204) return new Response(null, { status, headers: commonHeaders })
  const text = JSON.stringify(body)
  return new Response(head ? null : text, {
    status,
    headers: { ...headers, 'content-length': String(new TextEncoder().encode(text).byteLength) },
  })
}

/** What the admin stage serves. */
export interface AdminStageOptions {
  readonly path: string
  readonly access: AdminAccess
  readonly resources: readonly Resource[]
  readonly dashboard: DashboardAssets | undefined
}

/**
 * The admin stage: first of all stages, it answers everything under the admin path itself — the
 * dashboard's files (behind the address and certificate checks) and the JSON API under `api/`
 * (behind the token too) — and lets every other request go on untouched, at the cost of one
 * string comparison.
 */
export function adminStage(options: AdminStageOptions): Stage {
  const { path, access, resources, dashboard } = options
  const prefix = `${path}/`

  function page(ctx: GatewayContext, assets: DashboardAssets, file: string): Response {
    const method = ctx.request.method
    if (method !== 'GET' && method !== 'HEAD')
      throw new GatewayError('admin.method_not_allowed', {
        detail: 'The dashboard takes GET.',
        headers: { allow: 'GET, HEAD' },
      })
    const asset = assets[file === '' ? 'index.html' : file]
    if (asset === undefined) throw new GatewayError('admin.not_found', { detail: 'The dashboard has no such file.' })
    return new Response(method === 'HEAD' ? null : asset.body, {
      status: 200,
      headers: {
        ...commonHeaders,
        'content-type': asset.type,
        ...(asset.type.startsWith('text/html') ? { 'content-security-policy': pageSecurityPolicy } : {}),
      },
    })
  }

  async function api(ctx: GatewayContext, segments: readonly string[]): Promise<Response> {
    await access.checkToken(ctx)
    const { method } = ctx.request
    const { handler, params } = dispatchAdmin(resources, method, segments)
    const call: AdminCall = { ctx, params, query: new URLSearchParams(ctx.request.rawQuery) }
    const result = await handler(call)
    if (result instanceof AdminAnswer) return json(result.status, result.body, method === 'HEAD')
    return json(200, result, method === 'HEAD')
  }

  async function answer(ctx: GatewayContext, rest: string): Promise<StageDecision> {
    try {
      access.checkConnection(ctx)
      const segments = rest.split('/').map((segment) => decodeURIComponent(segment))
      if (segments[0] !== 'api' && dashboard === undefined)
        throw new GatewayError('admin.not_found', {
          detail: 'The dashboard is not installed (@portcullis/dashboard); the admin API is under api/.',
        })
      const response =
        segments[0] === 'api' ? await api(ctx, segments.slice(1)) : page(ctx, dashboard as DashboardAssets, rest)
      return { action: 'respond', response, answeredBy: 'admin' }
    } catch (error) {
      if (!isGatewayError(error)) throw error
      return { action: 'deny', error, answeredBy: 'admin' }
    }
  }

  return {
    name: 'admin',
    phase: 'receive',
    run(ctx) {
      const requestPath = ctx.request.path
      if (requestPath === path) {
        // The page loads its files by relative URL: it must be served under the trailing slash.
        const response = new Response(null, { status: 308, headers: { ...commonHeaders, location: `${path}/` } })
        return { action: 'respond', response, answeredBy: 'admin' }
      }
      if (!requestPath.startsWith(prefix)) return proceed
      return answer(ctx, ctx.request.encodedPath.slice(prefix.length))
    },
  }
}
