import { describe, expect, it } from '@jest/globals'
import { managedStatusSummary } from '../../src/report/managed-status.js'
import { renderSummary } from '../../src/report/summary.js'
import { T0, promoted, promotedTimeline, settings } from './fixtures.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc123'

describe('the summary of a service that ECS deploys itself', () => {
  it("names ECS's own steps instead of the pair's traffic-steps, and no pair of services", () => {
    const text = renderSummary({
      settings: settings({
        services: ['web', 'web'],
        managed: { service: 'web', stepsGiven: false }
      }),
      outcome: promoted({
        liveService: 'web',
        idleService: 'web',
        plan: [],
        serviceDeployment: { arn: ARN, status: 'SUCCESSFUL', hooks: [], triggeredAlarms: [] }
      }),
      timeline: promotedTimeline,
      startedAt: T0,
      finishedAt: T0 + 60_000
    })
    expect(text).toContain("Steps: ECS's own, as the service's deploymentConfiguration sets them")
    expect(text).not.toMatch(/baking \S+ at each/)
    expect(text).not.toContain('### Services')
  })

  it('status: the stage, the weights ECS applied and the hook to answer, nothing changed', () => {
    const text = managedStatusSummary({
      service: 'web',
      strategy: 'LINEAR',
      lines: [],
      idleWeight: 25,
      serviceDeployment: {
        arn: ARN,
        status: 'IN_PROGRESS',
        stage: 'POST_TEST_TRAFFIC_SHIFT',
        hooks: [{ id: 'hook-1', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
        pausedHook: { id: 'hook-1', targetType: 'PAUSE', status: 'AWAITING_ACTION' },
        triggeredAlarms: []
      }
    })
    expect(text).toContain('live side 75%, new side 25%')
    expect(text).toContain('`POST_TEST_TRAFFIC_SHIFT`')
    expect(text).toContain('Waiting at hook `hook-1`')
    expect(text).toContain('Nothing was changed.')
    expect(text).toContain('status of `web`')
  })

  it('status of a service with no deployment yet says so', () => {
    const text = managedStatusSummary({ service: 'web', strategy: 'CANARY', lines: [] })
    expect(text).toContain('No service deployment yet')
    expect(text).toContain('The production rule could not be read.')
  })
})
