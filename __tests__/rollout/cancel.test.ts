import { BlueGreen, MINUTE } from '../support/blue-green.js'

describe('a cancel (SIGINT/SIGTERM)', () => {
  it('before anything changed ends the run with nothing to undo', async () => {
    const bg = new BlueGreen().cancelAtPhase('Render task definition')
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'cancelled (SIGTERM) before registering the new revision; nothing was changed'
    )
    expect(bg.mutations()).toEqual([])
  })

  it('after registering, before the idle side is touched, leaves the services alone', async () => {
    const bg = new BlueGreen().cancelAtPhase('Register')
    const outcome = await bg.deploy()
    expect(outcome.reason).toBe(
      'cancelled (SIGTERM) before bringing up web-green; nothing was changed'
    )
    expect(bg.mutations()).toEqual(['registerTaskDefinition web'])
  })

  it('while bringing up the idle side scales it back to 0 and writes no weight', async () => {
    const bg = new BlueGreen().cancelAtPhase('Bring up idle side')
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe('cancelled (SIGTERM) while bringing up web-green')
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'updateService web-green x0'
    ])
  })

  it('just before the first shift writes no weight and scales the idle side back to 0', async () => {
    const bg = new BlueGreen().cancelAtPhase('Shift to 10%')
    const outcome = await bg.deploy()
    expect(outcome.reason).toBe('cancelled (SIGTERM) during the shift to 10%')
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'updateService web-green x0'
    ])
  })

  it.each([
    ['Bake at 10%', 10, 'during bake at 10%'],
    ['Shift to 50%', 25, 'during the shift to 50%'],
    ['Bake at 50%', 50, 'during bake at 50%'],
    ['Bake at 100%', 100, 'during bake at 100%']
  ])('at "%s" returns all traffic as its first mutating call', async (phase, percent, where) => {
    const bg = new BlueGreen().cancelAtPhase(phase)
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(`cancelled (SIGTERM) ${where}`)
    const mutations = bg.mutations()
    const shift = mutations.lastIndexOf(
      `writeForward web-blue-tg=${100 - percent} web-green-tg=${percent}`
    )
    expect(mutations.slice(shift + 1)).toEqual([
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0'
    ])
  })

  it('in the middle of a bake acts at once, not at the next poll', async () => {
    const bg = new BlueGreen().cancelAfter(97_500)
    const outcome = await bg.deploy()
    expect(outcome.reason).toBe('cancelled (SIGTERM) during bake at 25%')
    const revert = bg.aws.log.mutations().at(-2)!
    expect(revert.at - bg.startedAt).toBe(97_500)
  })

  it('without a signal name still says it was cancelled', async () => {
    const bg = new BlueGreen()
    bg.clock.at(bg.clock.now() + 2 * MINUTE, () => bg.controller.abort())
    const outcome = await bg.deploy()
    expect(outcome.reason).toBe('cancelled during bake at 25%')
  })
})
