/**
 * The emulator serves the AWS CLI as well as the JS SDK: a user sets up and inspects a pair with
 * `aws --endpoint-url ...` (another client, other serializers: Query lists, JSON blobs given as
 * text, the CLI's own pagination), and gets AWS's errors. Where the machine has no CLI, the set-up
 * installs Debian's awscli (scripts/ensure-aws-cli.sh); it never skips.
 */
import { execFile, execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import type { Json } from './model-fixture.js'

const run = promisify(execFile)

let emulator: RunningEmulator

beforeAll(async () => {
  execFileSync('bash', [resolve(import.meta.dirname, '../../scripts/ensure-aws-cli.sh')], {
    stdio: 'inherit',
    timeout: 280_000
  })
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
}, 300_000)

afterAll(async () => {
  await emulator.stop()
})

type Answer = { ok: true; json: Json } | { ok: false; code: number; stderr: string }

/** one `aws` command against the emulator, its JSON answer or its error */
async function aws(...args: string[]): Promise<Answer> {
  try {
    const { stdout } = await run(
      'aws',
      ['--endpoint-url', emulator.url, '--output', 'json', ...args],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_REGION: 'us-east-1',
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL: ''
        },
        timeout: 60_000
      }
    )
    return { ok: true, json: stdout.trim() === '' ? {} : JSON.parse(stdout) }
  } catch (error) {
    const e = error as { code?: number; stderr?: string }
    return { ok: false, code: e.code ?? -1, stderr: e.stderr ?? String(error) }
  }
}

async function ok(...args: string[]): Promise<Json> {
  const answer = await aws(...args)
  if (!answer.ok) throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${answer.stderr}`)
  return answer.json
}

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']

it('sets up a pair and inspects it with the AWS CLI', async () => {
  await ok('ecs', 'create-cluster', '--cluster-name', 'cli')
  const lb = await ok('elbv2', 'create-load-balancer', '--name', 'cli', '--subnets', ...SUBNETS)
  const lbArn: string = lb.LoadBalancers[0].LoadBalancerArn
  const group = async (name: string): Promise<string> =>
    (
      await ok(
        'elbv2',
        'create-target-group',
        '--name',
        name,
        '--protocol',
        'HTTP',
        '--port',
        '8080',
        '--vpc-id',
        'vpc-0e1a2b3c4d5e6f708',
        '--target-type',
        'ip',
        '--health-check-path',
        '/health'
      )
    ).TargetGroups[0].TargetGroupArn
  // independent calls go at once: each CLI call is a process of its own, a second or so to start
  const [blue, green] = await Promise.all([group('cli-blue'), group('cli-green')])
  const forward = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blue, Weight: 100 },
          { TargetGroupArn: green, Weight: 0 }
        ]
      }
    }
  ]
  const listener = await ok(
    'elbv2',
    'create-listener',
    '--load-balancer-arn',
    lbArn,
    '--protocol',
    'HTTP',
    '--port',
    '80',
    '--default-actions',
    JSON.stringify(forward)
  )
  const listenerArn: string = listener.Listeners[0].ListenerArn

  const definition = await ok(
    'ecs',
    'register-task-definition',
    '--cli-input-json',
    JSON.stringify({
      family: 'cli',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          image: 'registry.example.com/web:1.0.0',
          portMappings: [{ containerPort: 8080 }]
        }
      ]
    })
  )
  expect(definition.taskDefinition.revision).toBe(1)
  const sides = [
    ['blue', blue, 2],
    ['green', green, 0]
  ] as const
  await Promise.all(
    sides.map(([side, arn, count]) =>
      ok(
        'ecs',
        'create-service',
        '--cluster',
        'cli',
        '--service-name',
        `cli-${side}`,
        '--task-definition',
        'cli:1',
        '--desired-count',
        String(count),
        '--launch-type',
        'FARGATE',
        '--network-configuration',
        JSON.stringify({
          awsvpcConfiguration: { subnets: SUBNETS, securityGroups: ['sg-0a1b2c3d4e5f60001'] }
        }),
        '--load-balancers',
        JSON.stringify([{ targetGroupArn: arn, containerName: 'web', containerPort: 8080 }])
      )
    )
  )

  // what a person reads to see which side is live and how it is doing
  const services = await ok(
    'ecs',
    'describe-services',
    '--cluster',
    'cli',
    '--services',
    'cli-blue',
    'cli-green'
  )
  expect(services.services.map((s: Json) => [s.serviceName, s.desiredCount])).toEqual([
    ['cli-blue', 2],
    ['cli-green', 0]
  ])
  expect(services.services[0].loadBalancers[0].targetGroupArn).toBe(blue)
  const listeners = await ok('elbv2', 'describe-listeners', '--listener-arns', listenerArn)
  expect(listeners.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups).toEqual([
    { TargetGroupArn: blue, Weight: 100 },
    { TargetGroupArn: green, Weight: 0 }
  ])
  const tasks = await ok('ecs', 'list-tasks', '--cluster', 'cli', '--service-name', 'cli-blue')
  expect(tasks.taskArns).toHaveLength(2)
  const health = await ok('elbv2', 'describe-target-health', '--target-group-arn', blue)
  expect(Array.isArray(health.TargetHealthDescriptions)).toBe(true)

  // the action keeps its record in the listener's tags: a person reads them the same way
  await ok(
    'elbv2',
    'add-tags',
    '--resource-arns',
    listenerArn,
    '--tags',
    'Key=ecs-blue-green:phase,Value=promoted'
  )
  const tags = await ok('elbv2', 'describe-tags', '--resource-arns', listenerArn)
  expect(tags.TagDescriptions[0].Tags).toContainEqual({
    Key: 'ecs-blue-green:phase',
    Value: 'promoted'
  })
  const alarms = await ok('cloudwatch', 'describe-alarms')
  expect(alarms.MetricAlarms).toEqual([])
}, 180_000)

it('gives the CLI the errors AWS gives', async () => {
  const missing = await aws(
    'elbv2',
    'describe-listeners',
    '--listener-arns',
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/gone/0123456789abcdef/0123456789abcdef'
  )
  expect(missing).toMatchObject({
    ok: false,
    stderr: expect.stringContaining('(ListenerNotFound)')
  })
  expect(missing.ok || missing.stderr).toContain('One or more listeners not found')

  const cluster = await ok('ecs', 'create-cluster', '--cluster-name', 'cli-errors')
  const reserved = await aws(
    'ecs',
    'tag-resource',
    '--resource-arn',
    cluster.cluster.clusterArn,
    '--tags',
    'key=aws:owner,value=me'
  )
  expect(reserved).toMatchObject({ ok: false })
  expect(reserved.ok || reserved.stderr).toContain('(InvalidParameterException)')

  const service = await aws(
    'ecs',
    'describe-services',
    '--cluster',
    'no-such-cluster',
    '--services',
    'x'
  )
  expect(service.ok || service.stderr).toContain('(ClusterNotFoundException)')
}, 120_000)
