/**
 * `npm run emulator -- [--port 4599] [--host 127.0.0.1] [--time-scale 0.05]`: serves the emulator
 * until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './server.js'

const USAGE = `usage: npm run emulator -- [--port 4599] [--host 127.0.0.1] [--time-scale 1]

  --port        TCP port (0 takes any free one; default 4599)
  --host        address to listen on (default 127.0.0.1)
  --time-scale  simulated time runs 1/time-scale times faster than the clock (default 1)`

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

function parseOptions(): { port: number; host: string; timeScale?: number } {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '4599' },
        host: { type: 'string', default: '127.0.0.1' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    }))
  } catch (error) {
    fail((error as Error).message)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be an integer from 0 to 65535, got ${values.port}`)
  }
  const scale = values['time-scale']
  if (scale === undefined) return { port, host: values.host }
  const timeScale = Number(scale)
  if (!(timeScale > 0)) fail(`--time-scale must be a number above 0, got ${scale}`)
  return { port, host: values.host, timeScale }
}

const options = parseOptions()
const emulator = await startEmulator(options)
process.stdout.write(
  [
    `Emulator listening on ${emulator.url}`,
    `time scale ${emulator.world.clock.timeScale}; control API at ${emulator.url}/_emulator/`,
    '',
    'Point the AWS SDK at it:',
    `  export AWS_ENDPOINT_URL=${emulator.url}`,
    '  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test',
    ''
  ].join('\n')
)

let stopping = false
const shutdown = (signal: string): void => {
  if (stopping) return
  stopping = true
  process.stdout.write(`${signal}: stopping the emulator\n`)
  emulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`emulator: stop failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
