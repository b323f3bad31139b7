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
  'route.not_found': {
    status: 404,
    title: 'No handler for this request',
  },
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
