/**
 * The emulator's models in memory, without HTTP: a world on a manual clock, calls straight to
 * the backends, and the blue/green topology built through those calls.
 */
import { SimClock } from '../../emulator/core/clock.js'
import type { CallContext } from '../../emulator/core/contracts.js'
import { AwsError } from '../../emulator/core/errors.js'
import { createWorld, type SimWorld } from '../../emulator/world.js'

// API answers are read as loosely as a JSON client reads them; the tests check their values
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export const ctx: CallContext = {
  region: 'us-east-1',
  accountId: '123456789012',
  requestId: 'model-test'
}

export interface ModelWorld {
  world: SimWorld
  clock: SimClock
  ecs(operation: string, params?: Record<string, unknown>): Json
  elb(operation: string, params?: Record<string, unknown>): Json
  /** lets simulated seconds pass, a second at a time, as the server's ticks would */
  run(seconds: number): void
  /** runs until `done()` holds, at most `limit` simulated seconds; returns the seconds it took */
  runUntil(done: () => boolean, limit?: number): number
}

export function modelWorld(options: { ecsMetrics?: boolean } = {}): ModelWorld {
  const clock = new SimClock({ manual: true })
  const world = createWorld({ clock, ...options })
  const run = (seconds: number): void => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000)
      world.tick()
    }
  }
  return {
    world,
    clock,
    ecs: (operation, params = {}) => world.ecs.call(operation, params, ctx),
    elb: (operation, params = {}) => world.elbv2.call(operation, params, ctx),
    run,
    runUntil(done, limit = 600) {
      for (let second = 0; second <= limit; second++) {
        if (done()) return second
        run(1)
      }
      throw new Error(`not done after ${limit} simulated seconds`)
    }
  }
}

/** the AwsError a call throws, or a failure when it does not throw one */
export function awsError(call: () => unknown): AwsError {
  try {
    call()
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected the call to fail with an AWS error, but it succeeded')
}

export interface Pair {
  cluster: string
  blue: string
  green: string
  blueGroup: string
  greenGroup: string
  listenerArn: string
  loadBalancerArn: string
  taskDefinitionArn: string
}

/**
 * Cluster `c`, an ALB with a port-80 listener forwarding blue=100/green=0, two ip target groups
 * (5 s checks, thresholds 2, 10 s deregistration delay), and services web-blue (desiredCount
 * tasks) and web-green (0) on family `web`. Nothing has run yet.
 */
export function blueGreen(
  w: ModelWorld,
  options: {
    image?: string
    desiredCount?: number
    circuitBreaker?: boolean
    rollback?: boolean
  } = {}
): Pair {
  w.ecs('CreateCluster', { clusterName: 'c' })
  const lb = w.elb('CreateLoadBalancer', { Name: 'web-alb', Subnets: ['subnet-1', 'subnet-2'] })
    .LoadBalancers[0]
  const group = (name: string): string => {
    const arn = w.elb('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckIntervalSeconds: '5',
      HealthCheckTimeoutSeconds: '2',
      HealthyThresholdCount: '2',
      UnhealthyThresholdCount: '2'
    }).TargetGroups[0].TargetGroupArn
    w.elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }]
    })
    return arn
  }
  const blueGroup = group('web-blue')
  const greenGroup = group('web-green')
  const listenerArn = w.elb('CreateListener', {
    LoadBalancerArn: lb.LoadBalancerArn,
    Protocol: 'HTTP',
    Port: '80',
    DefaultActions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blueGroup, Weight: '100' },
            { TargetGroupArn: greenGroup, Weight: '0' }
          ]
        }
      }
    ]
  }).Listeners[0].ListenerArn
  const taskDefinitionArn = registerWeb(w, options.image ?? 'web:1')
  const service = (name: string, groupArn: string, desiredCount: number): void => {
    w.ecs('CreateService', {
      cluster: 'c',
      serviceName: name,
      taskDefinition: taskDefinitionArn,
      desiredCount,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      loadBalancers: [{ targetGroupArn: groupArn, containerName: 'web', containerPort: 8080 }],
      deploymentConfiguration: {
        deploymentCircuitBreaker: {
          enable: options.circuitBreaker ?? false,
          rollback: options.rollback ?? false
        }
      }
    })
  }
  service('web-blue', blueGroup, options.desiredCount ?? 2)
  service('web-green', greenGroup, 0)
  return {
    cluster: 'c',
    blue: 'web-blue',
    green: 'web-green',
    blueGroup,
    greenGroup,
    listenerArn,
    loadBalancerArn: lb.LoadBalancerArn,
    taskDefinitionArn
  }
}

/** registers a revision of family `web`: one container `web` on port 8080 running `image` */
export function registerWeb(w: ModelWorld, image: string): string {
  return w.ecs('RegisterTaskDefinition', {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image, portMappings: [{ containerPort: 8080 }] }]
  }).taskDefinition.taskDefinitionArn
}

export function service(w: ModelWorld, name: string): Json {
  return w.ecs('DescribeServices', { cluster: 'c', services: [name] }).services[0]
}

export function health(w: ModelWorld, targetGroupArn: string): Json[] {
  return w.elb('DescribeTargetHealth', { TargetGroupArn: targetGroupArn }).TargetHealthDescriptions
}

export function states(w: ModelWorld, targetGroupArn: string): string[] {
  return health(w, targetGroupArn).map((d: Json) => d.TargetHealth.State)
}

export function tasks(
  w: ModelWorld,
  serviceName: string,
  desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'
): Json[] {
  const arns = w.ecs('ListTasks', { cluster: 'c', serviceName, desiredStatus }).taskArns
  return arns.length === 0 ? [] : w.ecs('DescribeTasks', { cluster: 'c', tasks: arns }).tasks
}
