/**
 * The owner a run writes into its lock rule and record: built from GitHub's run id and attempt,
 * which are digits on GitHub. Anything else in those variables (a runner that is not GitHub's)
 * stays out of the token, which ELBv2 takes only in its tag character set.
 */
import { durableDeps } from '../../src/commands/durable.js'
import type { CommandContext } from '../../src/commands/context.js'
import { fits } from '../../src/rollout/durable/tags.js'

const context = { deps: {}, clients: { elb: {} } } as unknown as CommandContext
const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

function ownerWith(runId: string | undefined, attempt: string | undefined) {
  for (const [name, value] of [
    ['GITHUB_RUN_ID', runId],
    ['GITHUB_RUN_ATTEMPT', attempt]
  ] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  return durableDeps(context).owner
}

describe('the owner token', () => {
  it('names GitHub’s run and attempt', () => {
    const owner = ownerWith('9876543210', '2')
    expect(owner.token).toMatch(/^9876543210\.2\.[0-9a-f]{8}$/)
    expect(owner.runId).toBe('9876543210')
  })

  it('keeps a run id or attempt a tag cannot hold out of the token and the owner', () => {
    const owner = ownerWith('run #7; rm -rf', '1?')
    expect(owner.token).toMatch(/^local\.1\.[0-9a-f]{8}$/)
    expect(fits(owner.token)).toBe(true)
    expect(owner).not.toHaveProperty('runId')
  })
})
