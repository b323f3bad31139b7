import type { IncomingMessage } from 'node:http'

/** Reads a Node request stream to the end, as an app reading the raw body would. */
export async function readStream(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
