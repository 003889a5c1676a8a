/**
 * Which tasks spread and distinctInstance count, as the developer guide says: a service's tasks
 * are spread over the tasks of that service, and distinctInstance keeps each task of a group
 * (the service, or RunTask's group) on a different instance. Other services' tasks on an
 * instance do not count.
 */
import { modelWorld, type ModelWorld } from './model-fixture.js'
import {
  ec2Cluster,
  ec2Service,
  hostsOf,
  liveTasks,
  registerApi,
  startInstances
} from './ec2-fixture.js'

/** two instances, `other` packing two tasks onto the first */
function crowdedFirst(): { w: ModelWorld; first: string; second: string; arn: string } {
  const w = modelWorld()
  ec2Cluster(w)
  const [first, second] = startInstances(w, 2) as [string, string]
  const arn = registerApi(w)
  ec2Service(w, 'other', arn, 2, { placementStrategy: [{ type: 'binpack', field: 'memory' }] })
  w.run(1)
  expect(hostsOf(w, liveTasks(w, 'other'))).toEqual([first, first])
  return { w, first, second, arn }
}

describe('ECS on EC2: what spread and distinctInstance count', () => {
  it('spread on instanceId counts the service’s own tasks, not the other services’', () => {
    const { w, first, second, arn } = crowdedFirst()
    ec2Service(w, 'api', arn, 2, { placementStrategy: [{ type: 'spread', field: 'instanceId' }] })
    w.run(1)
    expect(hostsOf(w, liveTasks(w, 'api')).sort()).toEqual([first, second].sort())
  })

  it('distinctInstance keeps the service’s tasks apart but lets them share an instance with another service', () => {
    const { w, first, second, arn } = crowdedFirst()
    ec2Service(w, 'api', arn, 3, { placementConstraints: [{ type: 'distinctInstance' }] })
    w.run(2)
    const api = liveTasks(w, 'api')
    expect(api).toHaveLength(2)
    expect(hostsOf(w, api).sort()).toEqual([first, second].sort())
    // the third has nowhere to go: the event names the constraint, as ECS words it
    const events = w.ecs('DescribeServices', { cluster: 'c', services: ['api'] }).services[0]
      .events as { message: string }[]
    expect(events.map((e) => e.message).join('\n')).toMatch(
      /^\(service api\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) encountered error "DistinctInstance placement constraint unsatisfied\."\. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide\.$/m
    )
  })

  it('takes a random strategy with a field, which the API reference says is not used', () => {
    const { w, arn } = crowdedFirst()
    ec2Service(w, 'api', arn, 1, { placementStrategy: [{ type: 'random', field: 'memory' }] })
    w.run(1)
    expect(liveTasks(w, 'api')).toHaveLength(1)
  })
})
