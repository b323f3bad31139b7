import { createApp } from './app'

const { app } = createApp()
const port = Number(process.env.PORT ?? 3002)
app.listen(port, () => console.log(`Koa + Portcullis on http://127.0.0.1:${port}/hello/world`))
