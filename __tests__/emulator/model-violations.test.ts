/**
 * The safety watch inside the models, without HTTP: the backends judge a write from the
 * CallContext they are given (its userAgent included), on a manual clock, so that each case
 * decides exactly which health states the targets are in when the write takes effect.
 */
import type { CallContext } from '../../emulator/core/contracts.js'
import { blueGreen, ctx, modelWorld, type ModelWorld, type Pair, states } from './model-fixture.js'

const caller: CallContext = { ...ctx, userAgent: 'aws-sdk-js/3 app/model-caller' }

function shift(w: ModelWorld, p: Pair, blue: number, green: number): void {
  w.world.elbv2.call(
    'ModifyListener',
    {
      ListenerArn: p.listenerArn,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: p.blueGroup, Weight: String(blue) },
              { TargetGroupArn: p.greenGroup, Weight: String(green) }
            ]
          }
        }
      ]
    },
    caller
  )
}

function scale(w: ModelWorld, name: string, desiredCount: number): void {
  w.world.ecs.call('UpdateService', { cluster: 'c', service: name, desiredCount }, caller)
}

function ready(): { w: ModelWorld; p: Pair } {
  const w = modelWorld()
  const p = blueGreen(w)
  w.runUntil(() => states(w, p.blueGroup).filter((s) => s === 'healthy').length === 2)
  return { w, p }
}

describe('the models judge writes as they take effect', () => {
  it('counts only targets in state healthy: initial ones do not carry a weight safely', () => {
    const { w, p } = ready()
    scale(w, p.green, 2)
    w.runUntil(() => states(w, p.greenGroup).length === 2)
    expect(states(w, p.greenGroup)).not.toContain('healthy')
    shift(w, p, 90, 10)
    const [violation] = w.world.violations.list()
    expect(violation).toMatchObject({
      kind: 'weight-on-unhealthy-target-group',
      userAgent: 'aws-sdk-js/3 app/model-caller',
      targetGroups: [{ targetGroupArn: p.greenGroup, weight: 10 }]
    })
    expect(Object.keys(violation?.targetGroups[0]?.targetStates ?? {})).not.toContain('healthy')
    // the emulator clock, which the manual clock moves
    expect(Date.parse(violation?.at ?? '')).toBe(w.clock.wallNow())
  })

  it('accepts a group with one healthy target among unhealthy ones', () => {
    const { w, p } = ready()
    w.world.elbv2.call(
      'RegisterTargets',
      { TargetGroupArn: p.blueGroup, Targets: [{ Id: '10.9.9.9', Port: '8080' }] },
      caller
    )
    w.run(30)
    expect(states(w, p.blueGroup).sort()).toEqual(['healthy', 'healthy', 'unhealthy'])
    shift(w, p, 100, 0)
    expect(w.world.violations.list()).toEqual([])
  })

  it('judges health as of the write: weight on a group whose targets are all draining is a violation', () => {
    const { w, p } = ready()
    w.world.elbv2.call(
      'DeregisterTargets',
      {
        TargetGroupArn: p.blueGroup,
        Targets: w
          .elb('DescribeTargetHealth', { TargetGroupArn: p.blueGroup })
          .TargetHealthDescriptions.map((d: { Target: { Id: string; Port: number } }) => ({
            Id: d.Target.Id,
            Port: String(d.Target.Port)
          }))
      },
      caller
    )
    shift(w, p, 100, 0)
    expect(w.world.violations.list()).toMatchObject([
      {
        targetGroups: [{ targetGroupArn: p.blueGroup, weight: 100, targetStates: { draining: 2 } }]
      }
    ])
  })

  it('records UpdateService to 0 on a weighted service, also when it is at 0 already', () => {
    const { w, p } = ready()
    scale(w, p.green, 0)
    expect(w.world.violations.list()).toEqual([])
    scale(w, p.blue, 0)
    scale(w, p.blue, 0)
    expect(w.world.violations.list().map((v) => v.message)).toEqual([
      expect.stringMatching(/desiredCount 0 \(was 2\) on service web-blue/),
      expect.stringMatching(/desiredCount 0 \(was 0\) on service web-blue/)
    ])
  })

  it('are forgotten by reset', () => {
    const { w, p } = ready()
    scale(w, p.blue, 0)
    expect(w.world.violations.list()).toHaveLength(1)
    w.world.reset()
    expect(w.world.violations.list()).toEqual([])
  })
})
