import { systemClock } from '../../src/rollout/clock.js'

describe('systemClock', () => {
  it('sleeps for the time asked', async () => {
    const started = Date.now()
    await systemClock.sleep(30)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('wakes early, without throwing, when the signal aborts', async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort('SIGTERM'), 10)
    await systemClock.sleep(60_000, controller.signal)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('does not sleep at all on a signal already aborted', async () => {
    const started = Date.now()
    await systemClock.sleep(60_000, AbortSignal.abort())
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
