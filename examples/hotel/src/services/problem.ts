import type { Response } from 'express'

/** The app's own errors use the same problem+json shape as the gateway's. */
export function sendProblem(res: Response, status: number, code: string, title: string, detail?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://hotel.example/errors#${code}`,
        title,
        status,
        code,
        ...(detail === undefined ? {} : { detail }),
        instance: res.getHeader('x-request-id'),
      }),
    )
}
