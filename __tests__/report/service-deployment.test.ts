import { actionOutputs } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import type { ServiceDeploymentReport } from '../../src/rollout/settings.js'
import { T0, promotedTimeline, settings } from './fixtures.js'
import { tables } from './gfm-model.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc123'
const paused: ServiceDeploymentReport = {
  arn: ARN,
  status: 'IN_PROGRESS',
  stage: 'POST_TEST_TRAFFIC_SHIFT',
  hooks: [
    { id: 'hook-1', targetType: 'AWS_LAMBDA', targetArn: 'arn:aws:lambda:fn', status: 'SUCCEEDED' },
    {
      id: 'hook-2',
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      expiresAt: T0 + 3_600_000,
      timeoutAction: 'ROLLBACK'
    }
  ],
  pausedHook: {
    id: 'hook-2',
    targetType: 'PAUSE',
    status: 'AWAITING_ACTION',
    expiresAt: T0 + 3_600_000,
    timeoutAction: 'ROLLBACK'
  },
  triggeredAlarms: []
}

describe('a service deployment that ECS ran, in outputs and summary', () => {
  it('sets the deployment, its stage and the hook it waits at with its expiry', () => {
    const outputs = actionOutputs({ result: 'paused', serviceDeployment: paused })
    expect(outputs).toEqual({
      result: 'paused',
      'service-deployment-arn': ARN,
      'lifecycle-stage': 'POST_TEST_TRAFFIC_SHIFT',
      'paused-hook': 'hook-2',
      'paused-hook-expires-at': new Date(T0 + 3_600_000).toISOString()
    })
  })

  it('shows the stage, each hook with its state, and how to go on from a pause', () => {
    const text = renderSummary({
      settings: settings(),
      outcome: {
        result: 'paused',
        stoppedTasks: [],
        serviceEvents: [],
        plan: [],
        serviceDeployment: paused
      },
      timeline: promotedTimeline,
      startedAt: T0,
      finishedAt: T0 + 60_000
    })
    expect(text).toContain('### ECS service deployment')
    expect(text).toContain('`POST_TEST_TRAFFIC_SHIFT`')
    expect(text).toContain(
      `ECS acts on its own at ${new Date(T0 + 3_600_000).toISOString()} (ROLLBACK)`
    )
    const hooks = tables(text).find((rows) => rows[0]?.[0] === 'Hook')
    expect(hooks?.slice(1).map((row) => row[3])).toEqual(['`SUCCEEDED`', '`AWAITING_ACTION`'])
  })

  it('escapes what ECS reports, so an alarm name cannot change the markdown', () => {
    const text = renderSummary({
      settings: settings(),
      outcome: {
        result: 'reverted',
        stoppedTasks: [],
        serviceEvents: [],
        plan: [],
        serviceDeployment: {
          ...paused,
          pausedHook: undefined,
          status: 'ROLLBACK_SUCCESSFUL',
          triggeredAlarms: ['x`](javascript:alert(1))']
        }
      },
      timeline: promotedTimeline,
      startedAt: T0,
      finishedAt: T0 + 60_000
    })
    // inside a code span whose fence the name's own backtick cannot close: no link is made
    expect(text).toContain('Alarms in ALARM: ``x`](javascript:alert(1))``')
  })
})
