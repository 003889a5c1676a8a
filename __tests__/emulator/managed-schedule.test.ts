/**
 * ECS-managed deployments shift the production rule's weights themselves: BLUE_GREEN all at
 * once, LINEAR by stepPercent with stepBakeTimeInMinutes between steps, CANARY canaryPercent and
 * the rest after canaryBakeTimeInMinutes; then bake, the alternate target group becomes the
 * service's own and the old tasks stop.
 */
import { describe, expect, it } from '@jest/globals'
import { deploy, latest, managedService, weights } from './managed-fixture.js'
import { modelWorld, service, states, tasks } from './model-fixture.js'

/** runs until the deployment ends, noting each change of green's production weight and when (s) */
function follow(w: ReturnType<typeof modelWorld>, rule: string, green: string, limit = 1200) {
  const shifts: { at: number; green: number }[] = []
  const stages: string[] = []
  let last = weights(w, rule)[green] ?? 0
  for (let t = 0; t < limit; t++) {
    const d = latest(w)
    if (stages.at(-1) !== d.lifecycleStage) stages.push(d.lifecycleStage)
    if (d.status !== 'IN_PROGRESS') return { shifts, stages, deployment: d }
    w.run(1)
    const now = weights(w, rule)[green] ?? 0
    if (now !== last) shifts.push({ at: t + 1, green: now })
    last = now
  }
  throw new Error('the deployment did not end')
}

const ORDER = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
]

describe('ECS-managed traffic schedules', () => {
  it('BLUE_GREEN moves all production traffic at once, bakes, then makes the alternate group primary', () => {
    const w = modelWorld()
    const t = managedService(w, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 })
    const blueTasks = tasks(w, 'web').map((task) => task.taskArn)
    deploy(w, 'web:2')
    const { shifts, stages, deployment } = follow(w, t.productionRule, t.greenGroup)

    expect(deployment.status).toBe('SUCCESSFUL')
    expect(shifts.map((s) => s.green)).toEqual([100])
    // the stages seen once a second, in AWS's order (instant ones may pass between two looks)
    expect(stages).toEqual([...stages].sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y)))
    expect(stages).toEqual(expect.arrayContaining(['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP']))
    // the test rule went to green too
    expect(weights(w, t.testRule)).toEqual({ [t.blueGroup]: 0, [t.greenGroup]: 100 })
    // the alternate group is the service's own now, and the old one its alternate
    const lb = service(w, 'web').loadBalancers[0]
    expect(lb.targetGroupArn).toBe(t.greenGroup)
    expect(lb.advancedConfiguration.alternateTargetGroupArn).toBe(t.blueGroup)
    // the old tasks are stopped, the new ones run web:2 and are healthy in green's group
    const running = tasks(w, 'web')
    expect(running.map((task) => task.taskArn).filter((arn) => blueTasks.includes(arn))).toEqual([])
    expect(running.map((task) => task.containers[0].image)).toEqual(['web:2', 'web:2'])
    expect(states(w, t.greenGroup)).toEqual(['healthy', 'healthy'])
    expect(states(w, t.blueGroup)).toEqual([])
    expect(service(w, 'web').deployments).toHaveLength(1)
    expect(service(w, 'web').deployments[0].rolloutState).toBe('COMPLETED')
  })

  it('BLUE_GREEN bakes bakeTimeInMinutes after the shift before the old tasks stop', () => {
    const w = modelWorld()
    const t = managedService(w, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3 })
    deploy(w, 'web:2')
    let shiftedAt = -1
    let cleanUpAt = -1
    for (let s = 0; s < 600 && cleanUpAt < 0; s++) {
      w.run(1)
      if (shiftedAt < 0 && weights(w, t.productionRule)[t.greenGroup] === 100) shiftedAt = s
      if (latest(w).lifecycleStage === 'CLEAN_UP') cleanUpAt = s
    }
    expect(cleanUpAt - shiftedAt).toBeGreaterThanOrEqual(180)
    expect(cleanUpAt - shiftedAt).toBeLessThan(185)
  })

  it('a second deployment goes back the other way: the swapped groups swap again', () => {
    const w = modelWorld()
    const t = managedService(w, { strategy: 'BLUE_GREEN' })
    deploy(w, 'web:2')
    follow(w, t.productionRule, t.greenGroup)
    deploy(w, 'web:3')
    w.runUntil(() => latest(w).lifecycleStage === 'SCALE_UP', 60)
    // the new tasks go to the group that carries no traffic now: the first one
    w.runUntil(() => states(w, t.blueGroup).length === 2, 60)
    expect(weights(w, t.productionRule)).toEqual({ [t.blueGroup]: 0, [t.greenGroup]: 100 })
    const { deployment } = follow(w, t.productionRule, t.blueGroup)
    expect(deployment.status).toBe('SUCCESSFUL')
    expect(weights(w, t.productionRule)).toEqual({ [t.blueGroup]: 100, [t.greenGroup]: 0 })
    expect(weights(w, t.testRule)).toEqual({ [t.blueGroup]: 100, [t.greenGroup]: 0 })
    expect(service(w, 'web').loadBalancers[0].targetGroupArn).toBe(t.blueGroup)
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:3', 'web:3'])
  })

  it('LINEAR shifts stepPercent at a time, stepBakeTimeInMinutes apart, never baking after 100', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
    })
    deploy(w, 'web:2')
    const { shifts, deployment } = follow(w, t.productionRule, t.greenGroup)
    expect(deployment.status).toBe('SUCCESSFUL')
    expect(shifts.map((s) => s.green)).toEqual([25, 50, 75, 100])
    const gaps = shifts.slice(1).map((s, i) => s.at - (shifts[i]?.at ?? 0))
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60)
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(62)
    // blue carries the rest at every step
    expect(weights(w, t.productionRule)[t.blueGroup]).toBe(0)
  })

  it('LINEAR with a step that does not divide 100 ends with the remainder', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 0 }
    })
    deploy(w, 'web:2')
    follow(w, t.productionRule, t.greenGroup)
    // with no step bake the steps land within one second: the service's events list them
    const steps = service(w, 'web')
      .events.map(
        (e: { message: string }) => /shifted ([0-9.]+)% of production/.exec(e.message)?.[1]
      )
      .filter(Boolean)
      .reverse()
    expect(steps).toEqual(['30', '60', '90', '100'])
  })

  it('CANARY shifts canaryPercent, waits canaryBakeTimeInMinutes, then shifts the rest', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 }
    })
    deploy(w, 'web:2')
    const { shifts, deployment } = follow(w, t.productionRule, t.greenGroup)
    expect(deployment.status).toBe('SUCCESSFUL')
    expect(shifts.map((s) => s.green)).toEqual([10, 100])
    expect((shifts[1]?.at ?? 0) - (shifts[0]?.at ?? 0)).toBeGreaterThanOrEqual(120)
  })

  it('a canary of 2.5 percent is written out of 1000, as ELBv2 weights are integers', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 2.5, canaryBakeTimeInMinutes: 5 }
    })
    deploy(w, 'web:2')
    w.runUntil(() => (weights(w, t.productionRule)[t.greenGroup] ?? 0) > 0, 300)
    expect(weights(w, t.productionRule)).toEqual({ [t.blueGroup]: 975, [t.greenGroup]: 25 })
    const d = latest(w)
    expect(d.targetServiceRevision.requestedProductionTrafficWeight).toBe(2.5)
    expect(d.sourceServiceRevisions[0].requestedProductionTrafficWeight).toBe(97.5)
  })

  it('green tasks register in the alternate group and carry no traffic until they are healthy', () => {
    const w = modelWorld()
    const t = managedService(w, { strategy: 'BLUE_GREEN' })
    w.world.setImageBehavior({ image: 'web:2', behavior: 'healthy', startSeconds: 20 })
    deploy(w, 'web:2')
    w.run(10)
    expect(latest(w).lifecycleStage).toBe('SCALE_UP')
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(0)
    w.runUntil(() => weights(w, t.productionRule)[t.greenGroup] === 100, 120)
    expect(states(w, t.greenGroup)).toEqual(['healthy', 'healthy'])
  })
})
