import { createApp } from './app'

const { app } = createApp()
const port = Number(process.env.PORT ?? 3001)
app.listen(port, () => console.log(`Express + Portcullis on http://127.0.0.1:${port}/hello/world`))
