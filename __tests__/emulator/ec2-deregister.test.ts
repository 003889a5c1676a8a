/**
 * DeregisterContainerInstance with tasks running: refused without force; forced, the tasks get
 * the developer guide's stopped reason, the instance is INACTIVE and gives its resources back,
 * and the service starts the tasks again elsewhere.
 */
import { awsError, modelWorld, type Json } from './model-fixture.js'
import {
  ec2Cluster,
  ec2Service,
  hostsOf,
  liveTasks,
  registerApi,
  startInstances
} from './ec2-fixture.js'

describe('DeregisterContainerInstance', () => {
  it('refuses an instance with running tasks unless forced; forced, its tasks stop and start elsewhere', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const [first] = startInstances(w, 1)
    ec2Service(w, 'api', registerApi(w), 1)
    w.run(2)
    const [second] = startInstances(w, 1)
    const [arn] = w.ecs('ListContainerInstances', { cluster: 'c' }).containerInstanceArns
    const refused = awsError(() =>
      w.ecs('DeregisterContainerInstance', { cluster: 'c', containerInstance: arn })
    )
    expect(refused.code).toBe('InvalidParameterException')
    expect(refused.message).toMatch(/^Found running tasks on the instance/)
    expect(hostsOf(w, liveTasks(w, 'api'))).toEqual([first])

    const forced = w.ecs('DeregisterContainerInstance', {
      cluster: 'c',
      containerInstance: arn,
      force: true
    }).containerInstance
    expect(forced.status).toBe('INACTIVE')
    w.run(2)
    const stopped = w.ecs('DescribeTasks', {
      cluster: 'c',
      tasks: w.ecs('ListTasks', { cluster: 'c', serviceName: 'api', desiredStatus: 'STOPPED' })
        .taskArns
    }).tasks as Json[]
    expect(stopped.map((t: Json) => t.stoppedReason)).toEqual([
      'Container instance deregistration forced by user'
    ])
    expect(hostsOf(w, liveTasks(w, 'api'))).toEqual([second])
    expect(w.ecs('ListContainerInstances', { cluster: 'c' }).containerInstanceArns).toHaveLength(1)
  })
})
