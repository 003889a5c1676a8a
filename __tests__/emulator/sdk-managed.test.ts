/**
 * An ECS-managed deployment driven only through the unmodified AWS SDK, as the action drives
 * one: the managed topology fixture, UpdateService, the stages and hooks read back with
 * DescribeServiceDeployments, the weights with DescribeRules, ContinueServiceDeployment,
 * StopServiceDeployment, and AWS's exceptions for what AWS refuses.
 */
import {
  ConflictException,
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeployment,
  ServiceDeploymentNotFoundException,
  StopServiceDeploymentCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  createManagedTopology,
  type ManagedTopology
} from '../../emulator/fixtures/managed-topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import {
  clientConfig,
  control,
  listenerUrl,
  sendHttp,
  setHookAnswer,
  setImage
} from '../helpers/emulator.js'

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:smoke-test'

let emulator: RunningEmulator
let ecs: ECSClient
let elb: ElasticLoadBalancingV2Client
let counter = 0

beforeAll(async () => {
  // 50 simulated seconds a wall-clock second: a one-minute step bake takes 1.2 s
  emulator = await startEmulator({ port: 0, timeScale: 0.02 })
  ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
})

afterAll(async () => {
  ecs.destroy()
  elb.destroy()
  await emulator.stop()
})

function topology(
  options: Parameters<typeof createManagedTopology>[0] = {}
): Promise<ManagedTopology> {
  counter++
  return createManagedTopology({
    endpoint: emulator.url,
    prefix: `mgd${counter}`,
    image: 'app:1',
    ...options
  })
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 40))
  }
}

async function deployment(arn: string): Promise<ServiceDeployment> {
  const found = (
    await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
  ).serviceDeployments?.[0]
  if (!found) throw new Error(`no service deployment ${arn}`)
  return found
}

async function weights(ruleArn: string): Promise<Record<string, number>> {
  const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules?.[0]
  const out: Record<string, number> = {}
  for (const tg of rule?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [])
    out[tg.TargetGroupArn ?? ''] = tg.Weight ?? 0
  return out
}

async function deploy(t: ManagedTopology, image: string): Promise<string> {
  const taskDefinitionArn = (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: t.service,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] }
        ]
      })
    )
  ).taskDefinition?.taskDefinitionArn
  const updated = await ecs.send(
    new UpdateServiceCommand({
      cluster: t.cluster,
      service: t.service,
      taskDefinition: taskDefinitionArn
    })
  )
  const arn = updated.service?.currentServiceDeployment
  if (!arn) throw new Error('UpdateService answered no currentServiceDeployment')
  return arn
}

describe('ECS-managed deployments through the SDK', () => {
  it('a LINEAR deployment pauses at its hook, shifts in steps, then swaps the target groups', async () => {
    const t = await topology({
      strategy: 'LINEAR',
      deploymentConfiguration: {
        linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 }
      }
    })
    const testRule = t.testRuleArn ?? ''
    // the hook is added after the first deployment, as a user adds one
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.service,
        deploymentConfiguration: {
          strategy: 'LINEAR',
          linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
        }
      })
    )
    const arn = await deploy(t, 'app:2')
    const paused = await until('the pause hook', async () => {
      const d = await deployment(arn)
      return d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? d : undefined
    })
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    expect(paused.lifecycleHookDetails?.[0]?.expiresAt).toBeInstanceOf(Date)
    expect(await weights(testRule)).toEqual({
      [t.targetGroups.primary]: 0,
      [t.targetGroups.alternate]: 100
    })
    expect(await weights(t.productionRuleArn)).toEqual({
      [t.targetGroups.primary]: 100,
      [t.targetGroups.alternate]: 0
    })

    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId,
        action: 'CONTINUE'
      })
    )
    const half = await until('the first step', async () => {
      const d = await deployment(arn)
      return d.targetServiceRevision?.requestedProductionTrafficWeight === 50 ? d : undefined
    })
    expect(half.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight).toBe(50)
    expect(await weights(t.productionRuleArn)).toEqual({
      [t.targetGroups.primary]: 50,
      [t.targetGroups.alternate]: 50
    })

    const done = await until('the deployment to succeed', async () => {
      const d = await deployment(arn)
      return d.status === 'SUCCESSFUL' ? d : undefined
    })
    expect(done.finishedAt).toBeInstanceOf(Date)
    const service = (
      await ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }))
    ).services?.[0]
    expect(service?.loadBalancers?.[0]?.targetGroupArn).toBe(t.targetGroups.alternate)
    expect(service?.loadBalancers?.[0]?.advancedConfiguration?.alternateTargetGroupArn).toBe(
      t.targetGroups.primary
    )
    expect(service?.currentServiceDeployment).toBe(arn)
    const revisions = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [done.targetServiceRevision?.arn ?? '']
      })
    )
    expect(revisions.serviceRevisions?.[0]?.taskDefinition).toMatch(/:2$/)
    const listed = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: t.cluster, service: t.service })
    )
    expect(listed.serviceDeployments?.map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL'])
  })

  it('a Lambda hook answering FAILED (PUT /_emulator/hooks) rolls the deployment back', async () => {
    await setHookAnswer(emulator.url, { hookTargetArn: LAMBDA, status: 'FAILED', afterSeconds: 10 })
    const t = await topology()
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.service,
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [
            {
              hookTargetArn: LAMBDA,
              roleArn: t.roleArn,
              lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT']
            }
          ]
        }
      })
    )
    const arn = await deploy(t, 'app:2')
    const d = await until('the rollback', async () => {
      const found = await deployment(arn)
      return found.status === 'ROLLBACK_SUCCESSFUL' ? found : undefined
    })
    expect(d.rollback?.reason).toMatch(/failed at POST_TEST_TRAFFIC_SHIFT/)
    expect(d.rollback?.startedAt).toBeInstanceOf(Date)
    expect(await weights(t.testRuleArn ?? '')).toEqual({
      [t.targetGroups.primary]: 100,
      [t.targetGroups.alternate]: 0
    })
  })

  it('StopServiceDeployment rolls back; AWS exceptions for what ECS refuses', async () => {
    const t = await topology({
      strategy: 'CANARY',
      deploymentConfiguration: {
        canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 30 }
      }
    })
    await setImage(emulator.url, { image: 'app:2', body: 'v2' })
    const arn = await deploy(t, 'app:2')
    await until('the canary', async () =>
      (await weights(t.productionRuleArn))[t.targetGroups.alternate] === 20 ? true : undefined
    )
    // the production listener routes by the weights ECS wrote: about a fifth of requests reach green
    const url = await listenerUrl(emulator.url, t.productionListenerArn)
    let green = 0
    for (let i = 0; i < 200; i++) if ((await sendHttp(url)).body === 'v2') green++
    expect(green).toBeGreaterThan(15)
    expect(green).toBeLessThan(70)
    await ecs.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    )
    expect((await weights(t.productionRuleArn))[t.targetGroups.alternate]).toBe(0)
    await until('the rollback', async () =>
      (await deployment(arn)).status === 'ROLLBACK_SUCCESSFUL' ? true : undefined
    )
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn }))
    ).rejects.toBeInstanceOf(ConflictException)
    await expect(
      ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: arn.replace(/[^/]+$/, 'CCCCCCCCCCCCCCCCCCCCC'),
          hookId: 'ecs-pause-x'
        })
      )
    ).rejects.toBeInstanceOf(ServiceDeploymentNotFoundException)
    const refused = ecs.send(
      new CreateServiceCommand({
        cluster: t.cluster,
        serviceName: `${t.service}-bad`,
        taskDefinition: t.taskDefinitionArn,
        desiredCount: 1,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
        loadBalancers: [
          {
            targetGroupArn: t.targetGroups.primary,
            containerName: 'web',
            containerPort: 8080,
            advancedConfiguration: {
              alternateTargetGroupArn: t.targetGroups.alternate,
              productionListenerRule: t.productionRuleArn,
              roleArn: t.roleArn
            }
          }
        ],
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }]
        }
      })
    )
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(refused).rejects.toThrow(
      /PAUSE lifecycle hooks cannot be configured at the PRODUCTION_TRAFFIC_SHIFT stage/
    )
  })

  it('PUT /_emulator/hooks refuses what is not an answer and GET lists the answers set', async () => {
    await expect(
      control(emulator.url, 'PUT', 'hooks', { hookTargetArn: LAMBDA, status: 'DONE' })
    ).rejects.toThrow(/status must be one of "SUCCEEDED", "FAILED", "IN_PROGRESS"/)
    await expect(
      control(emulator.url, 'PUT', 'hooks', { hookTargetArn: LAMBDA, status: 'FAILED', after: 1 })
    ).rejects.toThrow(/after/)
    const other = `${LAMBDA}-2`
    await setHookAnswer(emulator.url, {
      hookTargetArn: other,
      status: 'IN_PROGRESS',
      afterSeconds: 0
    })
    const { hooks } = await control<{ hooks: { hookTargetArn: string }[] }>(
      emulator.url,
      'GET',
      'hooks'
    )
    expect(hooks).toContainEqual({ hookTargetArn: other, status: 'IN_PROGRESS', afterSeconds: 0 })
  })
})
