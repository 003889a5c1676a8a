import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

const TSX = 'node_modules/.bin/tsx'

describe('npm run emulator (emulator/cli.ts)', () => {
  const children: ChildProcess[] = []

  function start(...args: string[]) {
    const child = spawn(TSX, ['emulator/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>
    return { child, exited, out: () => stdout, err: () => stderr }
  }

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  })

  it('serves on the port it prints and stops cleanly on SIGTERM', async () => {
    const cli = start('--port', '0', '--time-scale', '0.5')
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner; stderr: ${cli.err()}`)), 20_000)
      cli.child.stdout?.on('data', () => {
        const match = /Emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out())
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      })
    })
    expect(cli.out()).toContain(`export AWS_ENDPOINT_URL=${url}`)
    const config = await fetch(`${url}/_emulator/config`)
    expect(await config.json()).toEqual({ timeScale: 0.5 })

    cli.child.kill('SIGTERM')
    const [code] = await cli.exited
    expect(code).toBe(0)
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow()
  })

  it('refuses a bad option with the usage and exit code 2', async () => {
    const cli = start('--port', 'eighty')
    const [code] = await cli.exited
    expect(code).toBe(2)
    expect(cli.err()).toMatch(
      /--port must be an integer from 0 to 65535, got eighty[\s\S]*usage: npm run emulator/
    )
  })
})
