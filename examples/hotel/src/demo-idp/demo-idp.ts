import { json, Router } from 'express'
import { importJWK, SignJWT } from 'jose'

/**
 * The demo's identity provider: it signs short-lived access tokens for the mobile app, so the
 * JWT path can be tried without a real IdP. The gateway knows its public key from portcullis.yaml.
 *
 * This private key signs tokens for this demo only and protects nothing: never reuse it.
 */
const demoSigningKey = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'hotel-demo-2026',
  alg: 'ES256',
  x: 'hCqkiROWcobG16uYGyovEMXIRYxgO3UXAgM092zyHaU',
  y: 'rLPsLpigk1oXgXa5VPPxeJ3ya3wMMchwABh_GKDBzIs',
  d: 'SGwyo-v13ZfqSu5lmxowyOdPTtthiaHc4Xv6nARkBA8',
}

export const demoIssuer = 'https://hotel.example/demo-idp'
const allowedScopes = new Set(['bookings:read', 'bookings:write'])

/** Signs an RFC 9068 access token for the demo API. */
export async function issueDemoToken(subject: string, scopes: readonly string[], now = Date.now()): Promise<string> {
  const key = await importJWK(demoSigningKey, 'ES256')
  return new SignJWT({ scope: scopes.join(' '), client_id: 'hotel-mobile-app' })
    .setProtectedHeader({ alg: 'ES256', kid: demoSigningKey.kid, typ: 'at+jwt' })
    .setIssuer(demoIssuer)
    .setAudience('hotel-api')
    .setSubject(subject)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 15 * 60)
    .sign(key)
}

/** `POST /demo-idp/token { "user": "ada", "scope": "bookings:write" }` → `{ access_token, expires_in }`. */
export function demoIdp(): Router {
  const router = Router()
  router.post('/demo-idp/token', json({ limit: '2kb' }), async (req, res) => {
    const { user, scope } = (req.body ?? {}) as { user?: unknown; scope?: unknown }
    const scopes =
      typeof scope === 'string' ? scope.split(' ').filter((item) => allowedScopes.has(item)) : ['bookings:read']
    const subject = typeof user === 'string' && /^[a-z0-9-]{1,32}$/.test(user) ? user : 'guest'
    res.json({ access_token: await issueDemoToken(subject, scopes), token_type: 'Bearer', expires_in: 900 })
  })
  return router
}
