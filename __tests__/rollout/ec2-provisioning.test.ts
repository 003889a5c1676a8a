import { placementOf } from '../../src/rollout/capacity/placement.js'
import type { IdleSnapshot } from '../../src/rollout/observe.js'
import type { TaskView } from '../../src/rollout/ports.js'

const RELEASE = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42'

function provisioning(id: string): TaskView {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    taskDefinitionArn: RELEASE,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    containers: [{ name: 'web' }]
  }
}

function snapshot(tasks: TaskView[]): IdleSnapshot {
  return {
    at: 0,
    service: {
      name: 'web-green',
      arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web-green',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 0,
      pendingCount: 0,
      taskDefinitionArn: RELEASE,
      loadBalancers: [],
      deployments: [],
      events: []
    },
    tasks,
    targets: [],
    stopped: [],
    interrupted: []
  }
}

describe('tasks in PROVISIONING on EC2', () => {
  const tasks = [provisioning('a'), provisioning('b')]

  it('are no wait for capacity on a cluster whose services no capacity provider scales', () => {
    // every task passes through PROVISIONING; the log must not say it waits for an instance
    expect(placementOf(snapshot(tasks), { scaling: [] }, 0, 'while bringing up web-green')).toEqual(
      { kind: 'placed' }
    )
  })

  it('wait for the instances a capacity provider with managed scaling is adding', () => {
    expect(
      placementOf(snapshot(tasks), { scaling: ['web-asg'] }, 0, 'while bringing up web-green')
    ).toEqual({
      kind: 'scaling',
      line: 'waiting for capacity: 2 of 2 tasks of web-green wait for an instance (capacity provider web-asg is scaling out)'
    })
  })
})
