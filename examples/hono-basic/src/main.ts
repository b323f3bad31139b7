import { serve } from '@hono/node-server'
import { createApp } from './app'

const { app } = createApp()
const port = Number(process.env.PORT ?? 3003)
serve({ fetch: app.fetch, port }, () => console.log(`Hono + Portcullis on http://127.0.0.1:${port}/hello/world`))
