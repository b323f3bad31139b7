/**
 * The one table of every error code Portcullis answers with: its HTTP status and its title.
 *
 * Codes are stable: once published, a code keeps its meaning and status, and a retired code is
 * never reused. `docs/errors.md` documents every code here; a test fails when the two disagree.
 */
export const errorCodes = {
  'request.target_form': {
    status: 400,
    title: 'Request target must be a path',
  },
  'request.path_invalid_encoding': {
    status: 400,
    title: 'Malformed percent-encoding in the path',
  },
  'request.path_double_encoding': {
    status: 400,
    title: 'Double-encoded path',
  },
  'request.path_encoded_separator': {
    status: 400,
    title: 'Encoded path separator',
  },
  'request.path_backslash': {
    status: 400,
    title: 'Backslash in the path',
  },
  'request.path_control_character': {
    status: 400,
    title: 'Control character in the path',
  },
  'request.path_parameter': {
    status: 400,
    title: 'Path parameters are not accepted',
  },
  'request.body_too_large': {
    status: 413,
    title: 'Request body too large',
  },
  'request.body_incomplete': {
    status: 400,
    title: 'Request body incomplete',
  },
  'request.invalid_json': {
    status: 400,
    title: 'Request body is not valid JSON',
  },
  'request.json_too_deep': {
    status: 400,
    title: 'Request body nests too deeply',
  },
  'auth.credentials_missing': { status: 401, title: 'Authentication required' },
  'auth.credentials_malformed': { status: 400, title: 'Malformed credentials' },
  'auth.api_key_invalid': { status: 401, title: 'Invalid API key' },
  'auth.api_key_expired': { status: 401, title: 'API key expired' },
  'auth.key_source_unavailable': { status: 503, title: 'API key lookup unavailable' },
  'auth.token_invalid': { status: 401, title: 'Invalid token' },
  'auth.token_expired': { status: 401, title: 'Token expired' },
  'auth.token_not_yet_valid': { status: 401, title: 'Token not yet valid' },
  'auth.token_claims_invalid': { status: 401, title: 'Token claims rejected' },
  'auth.token_inactive': { status: 401, title: 'Token not active' },
  'auth.jwks_unavailable': { status: 503, title: 'Signing keys unavailable' },
  'auth.introspection_unavailable': { status: 503, title: 'Token introspection unavailable' },
  'mtls.certificate_required': { status: 403, title: 'Client certificate required' },
  'mtls.certificate_rejected': { status: 403, title: 'Client certificate rejected' },
  'acl.forbidden': { status: 403, title: 'Not allowed' },
  'acl.insufficient_scope': { status: 403, title: 'Insufficient scope' },
  'acl.denied': { status: 403, title: 'Denied by an access rule' },
  'acl.no_matching_rule': { status: 403, title: 'No access rule for this request' },
  'request.json_forbidden_key': { status: 400, title: 'Forbidden key in the JSON body' },
  'validation.request_invalid': { status: 400, title: 'The request does not match the API description' },
  'validation.unsupported_media_type': { status: 415, title: 'Unsupported media type' },
  'validation.unknown_endpoint': { status: 404, title: 'Unknown endpoint' },
  'validation.method_not_allowed': { status: 405, title: 'Method not allowed' },
  'gateway.unavailable': { status: 503, title: 'The gateway is not ready' },
  'limit.rate_exceeded': { status: 429, title: 'Rate limit exceeded' },
  'limit.quota_exhausted': { status: 429, title: 'Quota exhausted' },
  'limit.store_unavailable': { status: 503, title: 'Limit store unavailable' },
  'route.not_found': {
    status: 404,
    title: 'No handler for this request',
  },
  'route.upstream_failed': { status: 502, title: 'Upstream failed' },
  'route.upstream_timeout': { status: 504, title: 'Upstream timed out' },
  'route.no_healthy_upstream': { status: 503, title: 'No upstream target in service' },
  'request.ambiguous_framing': { status: 400, title: 'Ambiguous request framing' },
  'admin.unauthorized': { status: 401, title: 'Admin token required' },
  'admin.forbidden': { status: 403, title: 'Not allowed to reach the admin API' },
  'admin.too_many_attempts': { status: 429, title: 'Too many failed admin logins' },
  'admin.not_found': { status: 404, title: 'No such admin resource' },
  'admin.method_not_allowed': { status: 405, title: 'Method not allowed on this admin resource' },
  'admin.bad_request': { status: 400, title: 'Malformed admin request' },
  'admin.not_enabled': { status: 404, title: 'The feature behind this admin resource is off' },
  'admin.rule_invalid': { status: 400, title: 'The rate-limit rule is invalid' },
  'admin.rule_conflict': { status: 409, title: 'The rule name is taken by the config' },
  'gateway.internal_error': {
    status: 500,
    title: 'Internal gateway error',
  },
} as const satisfies Record<string, { status: number; title: string }>

/** A stable error code, e.g. `request.body_too_large`. */
export type ErrorCode = keyof typeof errorCodes

/** Every known error code, in table order. */
export const allErrorCodes = Object.keys(errorCodes) as ErrorCode[]

/** The base of the `type` URI in problem+json responses; the code is the fragment. */
export const errorTypeBase = 'https://portcullis.dev/errors#'
