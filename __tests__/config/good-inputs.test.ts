import { describeShape, fileShape } from '../taskdef/examples.js'
import { IMAGE, LISTENER, RULE, scratchWorkspace, settingsWith } from './inputs.js'

const workspace = scratchWorkspace()
afterAll(() => workspace.remove())

describe('parseSettings', () => {
  it("applies action.yml's defaults to inputs that are not set", () => {
    expect(settingsWith({})).toEqual({
      command: 'deploy',
      cluster: 'production',
      services: ['web-blue', 'web-green'],
      routeArn: LISTENER,
      routeKind: 'listener',
      release: { image: IMAGE, environment: [] },
      steps: [
        { kind: 'weight', percent: 10 },
        { kind: 'weight', percent: 50 },
        { kind: 'weight', percent: 100 }
      ],
      stepWaitMs: 60_000,
      timeoutMs: 1_800_000,
      scaleDownDelayMs: undefined,
      pollIntervalMs: 5000,
      dryRun: false,
      githubToken: ''
    })
  })

  it('takes a listener rule ARN as a rule', () => {
    const settings = settingsWith({ listener: RULE }, { region: 'us-east-1' })
    expect(settings.routeKind).toBe('rule')
    expect(settings.routeArn).toBe(RULE)
  })

  it('takes the cluster and the services as ARNs, keeping the service names', () => {
    const settings = settingsWith(
      {
        cluster: 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/production',
        services:
          'arn:aws-cn:ecs:cn-north-1:123456789012:service/production/web-blue,\n' +
          'arn:aws-cn:ecs:cn-north-1:123456789012:service/web-green',
        listener: LISTENER.replace('arn:aws:', 'arn:aws-cn:').replace('us-east-1', 'cn-north-1')
      },
      { region: 'cn-north-1' }
    )
    expect(settings.cluster).toBe('arn:aws-cn:ecs:cn-north-1:123456789012:cluster/production')
    expect(settings.services).toEqual(['web-blue', 'web-green'])
  })

  it('takes the services on separate lines, with spaces around them', () => {
    expect(settingsWith({ services: '  web-blue \n  web-green\n' }).services).toEqual([
      'web-blue',
      'web-green'
    ])
  })

  it('reads steps with pauses, on lines or with percent signs', () => {
    const weight = (percent: number) => ({ kind: 'weight', percent })
    const pause = { kind: 'pause' }
    expect(settingsWith({ 'traffic-steps': 'pause,10,pause,50,100' }).steps).toEqual([
      pause,
      weight(10),
      pause,
      weight(50),
      weight(100)
    ])
    expect(settingsWith({ 'traffic-steps': '10%,\n25%,\npause\n100%' }).steps).toEqual([
      weight(10),
      weight(25),
      pause,
      weight(100)
    ])
    expect(settingsWith({ 'traffic-steps': '100' }).steps).toEqual([weight(100)])
  })

  it('reads durations, never and the YAML booleans', () => {
    const settings = settingsWith({
      'step-wait': '0s',
      timeout: '1h30m',
      'scale-down-delay': '10m',
      'poll-interval': '250ms',
      'dry-run': 'True',
      'github-token': 'ghs_token'
    })
    expect(settings).toMatchObject({
      stepWaitMs: 0,
      timeoutMs: 5_400_000,
      scaleDownDelayMs: 600_000,
      pollIntervalMs: 250,
      dryRun: true,
      githubToken: 'ghs_token'
    })
    expect(settingsWith({ 'scale-down-delay': 'never' }).scaleDownDelayMs).toBeNull()
    expect(settingsWith({ 'dry-run': 'FALSE' }).dryRun).toBe(false)
  })

  it('reads environment lines, skipping blanks and comments, keeping = and empty values', () => {
    const environment = [
      '# settings for 1.4.2',
      'LOG_LEVEL=debug',
      '',
      '  DATABASE_URL=postgres://db/web?sslmode=require',
      'EMPTY=',
      'FEATURE_X =on'
    ].join('\n')
    expect(settingsWith({ environment }).release.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DATABASE_URL', value: 'postgres://db/web?sslmode=require' },
      { name: 'EMPTY', value: '' },
      { name: 'FEATURE_X', value: 'on' }
    ])
  })

  it.each([
    'web',
    'nginx:1.27-alpine',
    'ghcr.io/acme/web-app:v1.4.2',
    'localhost:5000/web:dev',
    `public.ecr.aws/acme/web@sha256:${'a1'.repeat(32)}`,
    `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4.2@sha256:${'0f'.repeat(32)}`
  ])('accepts image %s', (image) => {
    expect(settingsWith({ image }).release.image).toBe(image)
  })

  it('unwraps a saved describe-task-definition output, relative to the workspace', () => {
    const path = workspace.write('described.json', {
      taskDefinition: describeShape(),
      tags: [{ key: 'team', value: 'web' }]
    })
    const { release } = settingsWith(
      { 'task-definition': path, container: 'web' },
      { workspace: workspace.dir }
    )
    expect(release.taskDefinitionPath).toBe(path)
    expect(release.container).toBe('web')
    expect(release.taskDefinition).not.toHaveProperty('taskDefinitionArn')
    expect(release.taskDefinition).not.toHaveProperty('tags')
    expect(release.taskDefinition?.containerDefinitions.map((c) => c.name)).toEqual([
      'web',
      'log-router'
    ])
  })

  it('reads a bare file with one container through the given reader, without a container', () => {
    const read: string[] = []
    const { release } = settingsWith(
      { 'task-definition': 'deploy/task-definition.json' },
      {
        workspace: '/repo',
        readFile: (path) => {
          read.push(path)
          return `\uFEFF${JSON.stringify(fileShape())}`
        }
      }
    )
    expect(read).toEqual(['/repo/deploy/task-definition.json'])
    expect(release.taskDefinition).toEqual(fileShape())
    expect(release.container).toBeUndefined()
  })

  it('needs only what a command uses', () => {
    const settings = settingsWith({
      command: 'status',
      image: '',
      'traffic-steps': 'whatever',
      'task-definition': 'missing.json'
    })
    expect(settings.command).toBe('status')
    expect(settings.release.image).toBe('')
    expect(settings.release.taskDefinition).toBeUndefined()
  })

  it('still checks the pair for every command', () => {
    expect(() => settingsWith({ command: 'rollback', services: 'web-blue,' })).not.toThrow()
    expect(() => settingsWith({ command: 'rollback', services: 'a,b,c' })).toThrow(
      /^Input 'services'/
    )
    expect(() => settingsWith({ command: 'promote', 'traffic-steps': '10,50' })).toThrow(
      /^Input 'traffic-steps'/
    )
  })

  it('takes one service as one that ECS deploys itself, with or without a listener', () => {
    const settings = settingsWith({ services: 'web', listener: '' })
    expect(settings.managed).toEqual({ service: 'web', stepsGiven: false })
    expect(settings.routeArn).toBe('')
    expect(settingsWith({ services: 'web', 'traffic-steps': '10,100' }).managed?.stepsGiven).toBe(
      true
    )
    // abort reads no steps: a step list shared with the deploy step is not held against it
    expect(
      settingsWith({ command: 'abort', services: 'web', 'traffic-steps': '10,100' }).managed
        ?.stepsGiven
    ).toBe(false)
    expect(settingsWith({}).managed).toBeUndefined()
  })

  it("does not hold a service that ECS bakes itself to the pair's steps × step-wait", () => {
    // 3 default steps × a 10m step-wait would need a timeout over 30m for a pair
    const settings = settingsWith({ services: 'web', 'step-wait': '10m', timeout: '5m' })
    expect(settings.timeoutMs).toBe(300_000)
    expect(() => settingsWith({ 'step-wait': '10m', timeout: '5m' })).toThrow(/^Input 'timeout'/)
  })

  it('still needs the listener for a pair', () => {
    expect(() => settingsWith({ listener: '' })).toThrow(/^Input 'listener'/)
  })
})
