import { planLines, stepLabel, trafficSteps } from '../../src/rollout/plan.js'
import type { TrafficStep } from '../../src/rollout/settings.js'
import type { Pair } from '../../src/rollout/state.js'
import { BlueGreen } from '../support/blue-green.js'

const w = (percent: number): TrafficStep => ({ kind: 'weight', percent })
const pause: TrafficStep = { kind: 'pause' }

function pair(scaleDownDelayMs: number | null): Pair {
  const side = (service: string) => ({
    service,
    targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/${service}-tg/1`,
    targetGroupName: `${service}-tg`,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:41',
    desiredCount: 1,
    runningCount: 1
  })
  return {
    cluster: 'prod',
    route: {
      arn: 'listener',
      kind: 'listener',
      listenerArn: 'listener',
      actionTypes: ['forward'],
      forward: null
    },
    live: side('web-blue'),
    idle: side('web-green'),
    scaleDownDelayMs
  }
}

describe('the plan', () => {
  const settings = new BlueGreen().settings()

  it('words each step, with a single task and no bake', () => {
    expect(
      planLines({ ...settings, steps: [w(50), w(100)], stepWaitMs: 0 }, pair(90_000), 'web:42')
    ).toEqual([
      'bring up web-green on web:42 (1 task)',
      'shift 50% to web-green, check health',
      'shift 100% to web-green, check health',
      'promote; scale web-blue to 0 after 1m30s'
    ])
  })

  it('says where a pause holds traffic and when the old side is kept warm', () => {
    expect(planLines({ ...settings, steps: [pause, w(20), pause] }, pair(null), 'web:42')).toEqual([
      'bring up web-green on web:42 (1 task)',
      'pause with 0% on web-green; continue with command: promote',
      'shift 20% to web-green, bake 1m',
      'pause with 20% on web-green; continue with command: promote',
      'promote; keep web-blue warm (scale-down-delay: never)'
    ])
  })

  it('adds a final 100 step only when the steps stop short of it without a pause', () => {
    expect(trafficSteps([w(10), w(50)])).toEqual([w(10), w(50), w(100)])
    expect(trafficSteps([w(10), pause])).toEqual([w(10), pause])
    expect(trafficSteps([w(10), w(100)])).toEqual([w(10), w(100)])
    expect(trafficSteps([])).toEqual([w(100)])
    expect(stepLabel([w(10), w(25)], 1)).toBe('step 2 (25%)')
  })
})
