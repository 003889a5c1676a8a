import type {
  EcsPort,
  ElbPort,
  Forward,
  LockPort,
  RevisionsPort,
  Route,
  ScalingPort,
  TagPort
} from '../../src/rollout/ports.js'
import type { CapacityPort } from '../../src/rollout/capacity/ports.js'
import { CallLog } from './call-log.js'
import type { FakeClock } from './fake-clock.js'
import { MemoryEcs } from './memory-ecs.js'
import { MemoryElb } from './memory-elb.js'
import { MemoryScaling } from './memory-scaling.js'

export type { ImageBehavior } from './memory-ecs.js'

/** The world moves in steps of this much virtual time: health checks and task starts land on them. */
const TICK_MS = 1000

/**
 * ECS and ELB in memory behind the engine's ports. The world moves on the fake clock: before each
 * call it catches up with the time that passed, so tasks start, fail health checks and crash as
 * their image is set to while the engine sleeps. Every call is logged, in order.
 */
export class MemoryAws {
  readonly log: CallLog
  readonly ecsWorld: MemoryEcs
  readonly elbWorld = new MemoryElb()
  readonly ecs: EcsPort
  readonly elb: ElbPort & TagPort
  readonly lock: LockPort
  readonly revisions: RevisionsPort
  readonly scalingWorld: MemoryScaling
  readonly scaling: ScalingPort
  /** the cluster's container instances (none until `ecsWorld.ec2` is set: a Fargate cluster) */
  readonly capacity: CapacityPort
  private ticked: number

  constructor(readonly clock: FakeClock) {
    this.log = new CallLog(() => clock.now())
    this.ecsWorld = new MemoryEcs(this.elbWorld, () => clock.now())
    this.ticked = clock.now()
    const ecs = this.ecsWorld
    const elb = this.elbWorld
    const call = <T>(op: string, input: unknown, perform: () => T): Promise<T> => {
      this.catchUp()
      return this.log.record(op, input, perform)
    }
    this.ecs = {
      describeServices: (cluster, names) =>
        call('describeServices', { cluster, names }, () => ecs.describeServices(names)),
      describeTaskDefinition: (arn) =>
        call('describeTaskDefinition', { arn }, () => ecs.describeTaskDefinition(arn)),
      registerTaskDefinition: (definition) =>
        call('registerTaskDefinition', definition, () => ecs.registerTaskDefinition(definition)),
      updateService: (cluster, service, change) =>
        call('updateService', { cluster, service, ...change }, () =>
          ecs.updateService(service, change)
        ),
      listTasks: (cluster, service, desiredStatus) =>
        call('listTasks', { cluster, service, desiredStatus }, () =>
          ecs.listTasks(service, desiredStatus)
        ),
      describeTasks: (cluster, taskArns) =>
        call('describeTasks', { cluster, taskArns }, () => ecs.describeTasks(taskArns)),
      runTask: (task) => call('runTask', task, () => ecs.runTask(task)),
      stopTask: (cluster, taskArn, reason) =>
        call('stopTask', { cluster, taskArn, reason }, () => ecs.stopTask(taskArn, reason))
    }
    this.revisions = {
      listActiveRevisions: (family) =>
        call('listTaskDefinitions', { family }, () => ecs.listActiveRevisions(family)),
      deregisterTaskDefinition: (arn) =>
        call('deregisterTaskDefinition', { arn }, () => ecs.deregisterTaskDefinition(arn))
    }
    this.elb = {
      readRoute: (arn) => call('readRoute', { arn }, () => elb.readRoute(arn)),
      writeForward: (route: Route, forward: Forward) =>
        call('writeForward', { arn: route.arn, forward }, () => elb.writeForward(route, forward)),
      describeTargetHealth: (arn) =>
        call('describeTargetHealth', { arn }, () => elb.describeTargetHealth(arn)),
      describeTargetGroups: (arns) =>
        call('describeTargetGroups', { arns }, () => elb.describeTargetGroups(arns)),
      readTags: (arn) => call('readTags', { arn }, () => elb.readTags(arn)),
      writeTags: (arn, tags) => call('writeTags', { arn, tags }, () => elb.writeTags(arn, tags)),
      removeTags: (arn, keys) => call('removeTags', { arn, keys }, () => elb.removeTags(arn, keys))
    }
    this.scalingWorld = new MemoryScaling(ecs)
    const scaling = this.scalingWorld
    this.scaling = {
      describeTargets: (cluster, services) =>
        call('describeScalableTargets', { cluster, services }, () =>
          scaling.describeTargets(services)
        ),
      describePolicies: (cluster, service) =>
        call('describeScalingPolicies', { cluster, service }, () =>
          scaling.describePolicies(service)
        ),
      registerTarget: (cluster, service, change) =>
        call('registerScalableTarget', { cluster, service, ...change }, () =>
          scaling.registerTarget(service, change)
        ),
      putPolicy: (cluster, service, policy) =>
        call('putScalingPolicy', { cluster, service, policy }, () =>
          scaling.putPolicy(service, policy)
        )
    }
    this.capacity = {
      activeInstances: (cluster) =>
        call('activeInstances', { cluster }, () => ecs.ec2?.activeInstances() ?? []),
      describeCapacityProviders: (names) =>
        call('describeCapacityProviders', { names }, () =>
          ecs.ec2 ? ecs.ec2.describeCapacityProviders(names) : []
        )
    }
    this.lock = {
      createLockRule: (listenerArn, priority, tags) =>
        call('createLockRule', { listenerArn, priority, tags }, () => {
          try {
            return { kind: 'created' as const, rule: elb.createRule(listenerArn, priority, tags) }
          } catch (error) {
            if (error instanceof Error && error.name === 'PriorityInUse') {
              return { kind: 'taken' as const }
            }
            throw error
          }
        }),
      ruleAt: (listenerArn, priority) =>
        call('ruleAt', { listenerArn, priority }, () => elb.ruleAt(listenerArn, priority)),
      deleteLockRule: (arn) =>
        call('deleteLockRule', { arn }, () => {
          try {
            elb.deleteRule(arn)
            return true
          } catch (error) {
            if (error instanceof Error && error.name === 'RuleNotFound') return false
            throw error
          }
        }),
      readWithLock: (routeArn, lockArn) =>
        call('readWithLock', { routeArn, lockArn }, () => {
          const route = elb.readTags(routeArn)
          try {
            return { route, lock: elb.readTags(lockArn) }
          } catch (error) {
            if (error instanceof Error && error.name === 'RuleNotFound') return { route }
            throw error
          }
        })
    }
  }

  /** Runs the world up to now, one tick at a time, so nothing that happened in between is skipped. */
  catchUp(): void {
    while (this.ticked + TICK_MS <= this.clock.now()) {
      this.ticked += TICK_MS
      this.ecsWorld.tick(this.ticked)
      this.elbWorld.tick(this.ticked)
    }
  }

  get calls() {
    return this.log.calls
  }

  /** every weight write, in order, as target group name -> weight */
  weightWrites(): Record<string, number>[] {
    return this.log.calls
      .filter((call) => call.op === 'writeForward')
      .map((call) => {
        const { forward } = call.input as { forward: Forward }
        return Object.fromEntries(
          forward.targetGroups.map((group) => [
            this.elbWorld.targetGroupName(group.targetGroupArn),
            group.weight
          ])
        )
      })
  }

  /** the route's weights now, as target group name -> weight */
  weights(routeArn: string): Record<string, number> {
    const route = this.elbWorld.readRoute(routeArn)
    return Object.fromEntries(
      (route.forward?.targetGroups ?? []).map((group) => [
        this.elbWorld.targetGroupName(group.targetGroupArn),
        group.weight
      ])
    )
  }
}
