import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  createManagedTopology,
  type ManagedTopology,
  type ManagedTopologyOptions
} from '../../emulator/fixtures/managed-topology.js'
import { continueFirstDeployment } from '../../emulator/fixtures/managed-first-deployment.js'
import type { CallRecord } from '../../emulator/control/call-log.js'
import { clientConfig, listenerUrl } from '../helpers/emulator.js'
import {
  callsOf,
  expectNoViolations,
  run,
  setImage,
  startHarness,
  type Harness,
  type HarnessRun
} from './harness.js'

/*
 * Services whose deploymentConfiguration.strategy is BLUE_GREEN, LINEAR or CANARY, deployed by the
 * bundled action against the emulator's ECS: ECS shifts the weights, the action starts, follows,
 * gates and steers the service deployment. Each test builds its own service and reads only its
 * own runs' calls, so they run at once; a simulated minute is 3 s here.
 */

let h: Harness
let cloudwatch: CloudWatchClient
beforeAll(async () => {
  h = await startHarness()
  cloudwatch = new CloudWatchClient(clientConfig(h.url))
})
afterAll(async () => {
  cloudwatch.destroy()
  await h.emulator.stop()
})

let count = 0
function managed(options: ManagedTopologyOptions = {}): Promise<ManagedTopology> {
  return createManagedTopology({ endpoint: h.url, prefix: `m${++count}`, ...options })
}

/** A service with a PAUSE hook, its first deployment continued past the hook by its owner. */
async function pausedService(options: ManagedTopologyOptions): Promise<ManagedTopology> {
  const t = await managed({ ...options, waitForService: false })
  await continueFirstDeployment({ endpoint: h.url, cluster: t.cluster, service: t.service })
  return t
}

let images = 0
const uniqueImage = (): string => `registry.example.com/web:2.0.${++images}`

function inputs(t: ManagedTopology, overrides: Record<string, string> = {}) {
  return {
    command: 'deploy',
    cluster: t.cluster,
    services: t.service,
    listener: t.productionRuleArn,
    image: uniqueImage(),
    'poll-interval': '200ms',
    timeout: '3m',
    'dry-run': 'false',
    ...overrides
  }
}

const PAUSE_AT_TEST = {
  lifecycleHooks: [
    {
      targetType: 'PAUSE' as const,
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const],
      timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' as const }
    }
  ]
}

/** The action's own weight writes on the service's rules: ECS shifts traffic, the action never. */
function ruleWrites(made: CallRecord[], t: ManagedTopology): CallRecord[] {
  const rules = [t.productionRuleArn, t.testRuleArn]
  return made.filter(
    (c) =>
      c.operation === 'ModifyListener' ||
      (c.operation === 'ModifyRule' && rules.includes((c.params as { RuleArn?: string }).RuleArn))
  )
}

function operations(made: CallRecord[]): string[] {
  return made.filter((c) => c.error === null).map((c) => c.operation)
}

/** "live side 75%, new side 25%" lines of the log, as the new side's percentages in order. */
function newSideWeights(r: HarnessRun): number[] {
  const seen = [...r.stdout.matchAll(/live side (\d+)%, new side (\d+)%/g)].map((m) => Number(m[2]))
  return seen.filter((w, i) => i === 0 || w !== seen[i - 1])
}

describe('a service that ECS deploys itself, through the bundled action', () => {
  it.concurrent(
    'BLUE_GREEN: ECS shifts all traffic, bakes, and the run reports promoted',
    async () => {
      const t = await managed({
        strategy: 'BLUE_GREEN',
        deploymentConfiguration: { bakeTimeInMinutes: 1 }
      })
      const r = await run(h, inputs(t))
      expect(r.exitCode).toBe(0)
      expect(r.outputs).toMatchObject({
        result: 'promoted',
        'previous-task-definition-arn': t.taskDefinitionArn,
        'task-definition-arn': expect.stringMatching(/task-definition\/m\d+:2$/),
        'service-deployment-arn': expect.stringContaining(':service-deployment/'),
        'lifecycle-stage': expect.any(String)
      })
      expect(r.stdout).toMatch(/at BAKE_TIME: live side 0%, new side 100%/)
      expect(newSideWeights(r)).toEqual([0, 100])
      const made = await callsOf(h, r.caller)
      expect(ruleWrites(made, t)).toEqual([])
      expect(operations(made).filter((o) => o === 'UpdateService')).toHaveLength(1)
      expect(r.summary).toContain('SUCCESSFUL')
      expect(r.summary).toContain("Steps: ECS's own")
      await expectNoViolations(h, r)
    }
  )

  it.concurrent(
    'LINEAR: four steps of 25%, each weight read back, none written by the action',
    async () => {
      const t = await managed({
        strategy: 'LINEAR',
        deploymentConfiguration: {
          linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
        }
      })
      const r = await run(h, inputs(t))
      expect(r.outputs.result).toBe('promoted')
      expect(newSideWeights(r)).toEqual([0, 25, 50, 75, 100])
      expect(r.summary).toMatch(/75% \/ 25%/)
      const made = await callsOf(h, r.caller)
      expect(ruleWrites(made, t)).toEqual([])
      await expectNoViolations(h, r)
    }
  )

  it.concurrent('CANARY: the canary share first, then the rest', async () => {
    const t = await managed({
      strategy: 'CANARY',
      deploymentConfiguration: {
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 }
      }
    })
    const r = await run(h, inputs(t))
    expect(r.outputs.result).toBe('promoted')
    expect(newSideWeights(r)).toEqual([0, 10, 100])
    expect(ruleWrites(await callsOf(h, r.caller), t)).toEqual([])
  })

  it.concurrent(
    'a crashing release: the circuit breaker rolls it back, reported reverted with why',
    async () => {
      const t = await managed({
        strategy: 'BLUE_GREEN',
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
      })
      const image = uniqueImage()
      await setImage(h.url, { image, behavior: 'crash', afterSeconds: 0 })
      const r = await run(h, inputs(t, { image }))
      expect(r.exitCode).toBe(1)
      expect(r.outputs.result).toBe('reverted')
      expect(r.outputs.reason).toMatch(/circuit breaker/i)
      // the tasks' own reason, as ECS stopped them
      expect(r.summary).toMatch(/Essential container in task exited|exit code|exited/i)
      expect(ruleWrites(await callsOf(h, r.caller), t)).toEqual([])
    }
  )

  it.concurrent("an alarm of the service's deploymentConfiguration rolls it back", async () => {
    const alarm = `m-alarm-${++count}`
    await cloudwatch.send(new PutMetricAlarmCommand(alarmOf(alarm)))
    const t = await managed({
      strategy: 'BLUE_GREEN',
      deploymentConfiguration: {
        bakeTimeInMinutes: 2,
        alarms: { alarmNames: [alarm], enable: true, rollback: true }
      }
    })
    let raised = false
    const r = await run(h, inputs(t), {
      onOutput: (text) => {
        if (!raised && text.includes('at BAKE_TIME')) {
          raised = true
          void cloudwatch.send(
            new SetAlarmStateCommand({
              AlarmName: alarm,
              StateValue: 'ALARM',
              StateReason: 'e2e'
            })
          )
        }
      }
    })
    expect(raised).toBe(true)
    expect(r.outputs.result).toBe('reverted')
    expect(r.outputs.reason).toContain(alarm)
    const made = await callsOf(h, r.caller)
    // ECS rolled it back on its own: the action asked for nothing
    expect(operations(made)).not.toContain('StopServiceDeployment')
    expect(ruleWrites(made, t)).toEqual([])
  })

  it.concurrent(
    "the action's own alarm gate fails mid-shift: ECS is asked to roll back",
    async () => {
      const alarm = `m-gate-${++count}`
      await cloudwatch.send(new PutMetricAlarmCommand(alarmOf(alarm)))
      const t = await managed({
        strategy: 'LINEAR',
        deploymentConfiguration: {
          linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
        }
      })
      let raised = false
      const r = await run(h, inputs(t, { alarms: alarm }), {
        onOutput: (text) => {
          if (!raised && /new side 25%/.test(text)) {
            raised = true
            void cloudwatch.send(
              new SetAlarmStateCommand({
                AlarmName: alarm,
                StateValue: 'ALARM',
                StateReason: 'e2e'
              })
            )
          }
        }
      })
      expect(raised).toBe(true)
      expect(r.outputs.result).toBe('reverted')
      expect(r.outputs.reason).toContain(alarm)
      const made = await callsOf(h, r.caller)
      expect(operations(made)).toContain('StopServiceDeployment')
      expect(ruleWrites(made, t)).toEqual([])
      expect(Math.max(...newSideWeights(r))).toBeLessThan(100)
      await expectNoViolations(h, r)
    }
  )

  it.concurrent(
    'a PAUSE hook after test traffic: paused, status, promote to promoted, then rollback',
    async () => {
      const t = await pausedService({
        strategy: 'LINEAR',
        deploymentConfiguration: {
          ...PAUSE_AT_TEST,
          linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 0 }
        }
      })
      // test traffic through the test listener, which ECS points at the new tasks before the hook
      const testUrl = `${await listenerUrl(h.url, t.testListenerArn ?? '')}/health`
      const deploy = await run(h, inputs(t, { 'test-url': testUrl, 'test-requests': '5' }))
      expect(deploy.exitCode).toBe(0)
      expect(deploy.stdout).toMatch(/test traffic: 5 of 5 passed/)
      expect(deploy.outputs).toMatchObject({
        result: 'paused',
        'lifecycle-stage': 'POST_TEST_TRAFFIC_SHIFT',
        'paused-hook': expect.any(String),
        'paused-hook-expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
      })
      expect(deploy.outputs['paused-hook']).not.toBe('')
      const status = await run(h, { ...inputs(t), command: 'status' })
      expect(status.exitCode).toBe(0)
      expect(status.stdout).toContain('AWAITING_ACTION')
      expect(status.summary).toContain('POST_TEST_TRAFFIC_SHIFT')
      const promote = await run(h, { ...inputs(t), command: 'promote' })
      expect(promote.outputs).toMatchObject({
        result: 'promoted',
        'task-definition-arn': deploy.outputs['task-definition-arn'],
        'previous-task-definition-arn': t.taskDefinitionArn
      })
      expect(operations(await callsOf(h, promote.caller))).toContain('ContinueServiceDeployment')
      // the promotion is recorded: rollback finds it and deploys the previous revision again,
      // which ECS holds at the same hook until it is promoted too
      const rollback = await run(h, { ...inputs(t), command: 'rollback' })
      expect(rollback.outputs).toMatchObject({
        result: 'paused',
        'task-definition-arn': t.taskDefinitionArn
      })
      const back = await run(h, { ...inputs(t), command: 'promote' })
      expect(back.outputs).toMatchObject({
        result: 'promoted',
        'task-definition-arn': t.taskDefinitionArn,
        'previous-task-definition-arn': deploy.outputs['task-definition-arn']
      })
      await expectNoViolations(h, deploy, promote, rollback, back)
    }
  )

  it.concurrent('a PAUSE hook after test traffic: abort rolls it back through ECS', async () => {
    const t = await pausedService({
      strategy: 'BLUE_GREEN',
      deploymentConfiguration: PAUSE_AT_TEST
    })
    const deploy = await run(h, inputs(t))
    expect(deploy.outputs.result).toBe('paused')
    const abort = await run(h, { ...inputs(t), command: 'abort' })
    expect(abort.outputs.result).toBe('aborted')
    const made = await callsOf(h, abort.caller)
    expect(made.find((c) => c.operation === 'ContinueServiceDeployment')?.params).toMatchObject({
      action: 'ROLLBACK'
    })
    expect(ruleWrites(made, t)).toEqual([])
    const again = await run(h, { ...inputs(t), command: 'status' })
    expect(again.stdout).toContain('ROLLBACK_SUCCESSFUL')
  })

  it.concurrent(
    'the runner SIGKILLed mid-deployment: status reads, a deploy is refused, abort rolls back, a later deploy takes over',
    async () => {
      const t = await managed({
        strategy: 'LINEAR',
        deploymentConfiguration: {
          linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
        }
      })
      const killed = await run(h, inputs(t, { 'stale-after': '60s' }), {
        onOutput: (text, child) => {
          if (/new side 25%/.test(text)) child.kill('SIGKILL')
        }
      })
      expect(killed.signal).toBe('SIGKILL')
      const deploymentArn = /ECS started service deployment (\S+)/.exec(killed.stdout)?.[1]
      expect(deploymentArn).toBeDefined()

      const status = await run(h, { ...inputs(t), command: 'status' })
      expect(status.outputs).toMatchObject({
        result: 'unchanged',
        'service-deployment-arn': deploymentArn
      })
      expect(status.stdout).toMatch(/IN_PROGRESS at PRODUCTION_TRAFFIC_SHIFT/)
      expect(
        operations(await callsOf(h, status.caller)).filter((o) => !/^(Describe|List|Get)/.test(o))
      ).toEqual([])

      // the killed run's record is alive (stale-after 60s): no second deployment while one runs
      const second = await run(h, inputs(t, { 'stale-after': '60s' }))
      expect(second.exitCode).toBe(1)
      expect(second.outputs.result).toBe('unchanged')
      expect(second.outputs.reason).toMatch(/another run holds the lock/)
      expect(operations(await callsOf(h, second.caller))).not.toContain('UpdateService')

      const abort = await run(h, { ...inputs(t), command: 'abort' })
      expect(abort.outputs.result).toBe('aborted')
      expect(operations(await callsOf(h, abort.caller))).toContain('StopServiceDeployment')

      // once the record is stale, the next deploy takes the killed run's place and deploys
      const next = await run(h, inputs(t, { 'stale-after': '1s' }))
      expect(next.outputs.result).toBe('promoted')
      expect(next.stdout).toMatch(/went silent/)
      expect(
        operations(await callsOf(h, next.caller)).filter((o) => o === 'UpdateService')
      ).toHaveLength(1)
      expect(ruleWrites(await callsOf(h, next.caller), t)).toEqual([])
    }
  )
})

function alarmOf(name: string) {
  return {
    AlarmName: name,
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Statistic: 'Sum' as const,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1000,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
    TreatMissingData: 'notBreaching'
  }
}
