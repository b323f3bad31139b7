#!/usr/bin/env node
import { processIo } from './cli-io'
import { runCli } from './run-cli'

runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    processIo.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  },
)
