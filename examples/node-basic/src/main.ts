import http from 'node:http'
import { createListener } from './app'

const { listener } = createListener()
const port = Number(process.env.PORT ?? 3004)
http
  .createServer(listener)
  .listen(port, () => console.log(`node:http + Portcullis on http://127.0.0.1:${port}/hello/world`))
