/**
 * A lagged read right after the world was moved on but before it caught up: the request that
 * switches the past on is answered at the present, then the world steps through the time it had
 * not simulated yet. Those steps must not be taken for an older past than the one recorded (on a
 * busy machine the ticker comes after the request; the view from before the write was lost).
 */
import { SimClock } from '../../emulator/core/clock.js'
import { createWorld } from '../../emulator/world.js'

const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'test' }

interface ServiceAnswer {
  services?: Array<{ taskDefinition?: string }>
  taskDefinition?: { taskDefinitionArn?: string }
}

it('a lagged read still shows the service as before the write when the world caught up after it', () => {
  const clock = new SimClock({ manual: true })
  const world = createWorld({ clock, ecsMetrics: false })
  const ecs = (op: string, params: Record<string, unknown>) =>
    world.ecs.call(op, params, ctx) as ServiceAnswer
  ecs('CreateCluster', { clusterName: 'c' })
  const revisions = ['1', '2'].map(
    (tag) =>
      ecs('RegisterTaskDefinition', {
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: `registry.example.com/web:${tag}` }]
      }).taskDefinition?.taskDefinitionArn ?? ''
  )
  ecs('CreateService', {
    cluster: 'c',
    serviceName: 'web',
    taskDefinition: revisions[0],
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'], assignPublicIp: 'DISABLED' }
    }
  })
  world.tick()
  // a minute passes; the next request comes before the world has stepped through it
  clock.advance(60_000)
  world.ecs.retainPast?.(10_000)
  ecs('UpdateService', { cluster: 'c', service: 'web', taskDefinition: revisions[1] })
  world.tick()
  const lagged = world.ecs.callAsOf?.(
    'DescribeServices',
    { cluster: 'c', services: ['web'] },
    ctx,
    10_000
  ) as ServiceAnswer
  expect(lagged.services?.[0]?.taskDefinition).toBe(revisions[0])
  const now = ecs('DescribeServices', { cluster: 'c', services: ['web'] })
  expect(now.services?.[0]?.taskDefinition).toBe(revisions[1])
})
