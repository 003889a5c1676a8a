import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { ViolationLog } from '../core/violations.js'
import type { HealthProbe } from '../elbv2/probe.js'
import type { ImageBook } from '../images.js'
import {
  createCapacityProviderOp,
  deleteCapacityProviderOp,
  describeCapacityProvidersOp,
  putClusterCapacityProvidersOp
} from './capacity/providers.js'
import { createClusterOp, describeClustersOp } from './clusters.js'
import { ecsArn, parseEcsArn } from './ids.js'
import type { LoadBalancing } from './load-balancing.js'
import { EcsModel } from './model.js'
import type { Params } from './params.js'
import { probeTasks } from './probe.js'
import { advanceService } from './scheduler.js'
import {
  createServiceOp,
  deleteServiceOp,
  describeServicesOp,
  listServicesOp,
  updateServiceOp
} from './services.js'
import { listTagsForResourceOp, tagResourceOp, untagResourceOp } from './tags.js'
import {
  deregisterTaskDefinitionOp,
  describeTaskDefinitionOp,
  listTaskDefinitionsOp,
  registerTaskDefinitionOp
} from './task-definitions.js'
import { describeTasksOp, listTasksOp } from './tasks.js'
import {
  deregisterContainerInstanceOp,
  describeContainerInstancesOp,
  listContainerInstancesOp,
  updateContainerInstancesStateOp
} from './instances/api.js'
import { runTaskOp, stopTaskOp } from './run-task.js'
import { advanceTask } from './lifecycle.js'
import { StepNotes } from './step-notes.js'
import { ReadHistory } from './consistency/history.js'
import { PAST_READS } from './consistency/stale-reads.js'
import {
  continueServiceDeploymentOp,
  describeServiceDeploymentsOp,
  describeServiceRevisionsOp,
  listServiceDeploymentsOp,
  stopServiceDeploymentOp
} from './managed/api.js'

type Operation = (model: EcsModel, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  CreateCluster: createClusterOp,
  CreateCapacityProvider: createCapacityProviderOp,
  DescribeCapacityProviders: describeCapacityProvidersOp,
  DeleteCapacityProvider: deleteCapacityProviderOp,
  PutClusterCapacityProviders: putClusterCapacityProvidersOp,
  DescribeClusters: describeClustersOp,
  RegisterTaskDefinition: registerTaskDefinitionOp,
  DescribeTaskDefinition: describeTaskDefinitionOp,
  DeregisterTaskDefinition: deregisterTaskDefinitionOp,
  ListTaskDefinitions: listTaskDefinitionsOp,
  CreateService: createServiceOp,
  UpdateService: updateServiceOp,
  DescribeServices: describeServicesOp,
  DeleteService: deleteServiceOp,
  ListServices: listServicesOp,
  ListTasks: listTasksOp,
  DescribeTasks: describeTasksOp,
  RunTask: runTaskOp,
  StopTask: stopTaskOp,
  TagResource: tagResourceOp,
  UntagResource: untagResourceOp,
  ListTagsForResource: listTagsForResourceOp,
  ListContainerInstances: listContainerInstancesOp,
  DescribeContainerInstances: describeContainerInstancesOp,
  UpdateContainerInstancesState: updateContainerInstancesStateOp,
  DeregisterContainerInstance: deregisterContainerInstanceOp,
  ListServiceDeployments: listServiceDeploymentsOp,
  DescribeServiceDeployments: describeServiceDeploymentsOp,
  DescribeServiceRevisions: describeServiceRevisionsOp,
  ContinueServiceDeployment: continueServiceDeploymentOp,
  StopServiceDeployment: stopServiceDeploymentOp
}

/** Amazon ECS (services on Fargate, rolling deployments), in memory. */
export class EcsBackend implements ServiceBackend {
  readonly service = 'ecs'
  readonly model: EcsModel
  /** what the load balancer's health checks find at a task's address */
  readonly probe: HealthProbe
  /** the recent past, for reads that a stale fault lags (eventual consistency) */
  readonly past = new ReadHistory()

  constructor(clock: SimClock, images: ImageBook, lb: LoadBalancing, violations?: ViolationLog) {
    this.model = new EcsModel(clock, images, lb, violations)
    this.probe = probeTasks(this.model)
  }

  handles(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation)
  }

  isMutating(operation: string): boolean {
    return !/^(Describe|List)/.test(operation)
  }

  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown {
    const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    const answer = run(this.model, params ?? {}, ctx)
    // a write: its effect is part of the past that a lagged read may answer from, from now on
    if (this.past.recording && this.isMutating(operation)) {
      this.past.record(this.model, this.model.clock.simNow(), true)
    }
    return answer
  }

  retainPast(ms: number): void {
    const was = this.past.recording
    this.past.retain(ms)
    if (!was && this.past.recording) this.past.record(this.model, this.model.clock.simNow())
  }

  callAsOf(
    operation: string,
    params: Record<string, unknown>,
    ctx: CallContext,
    lagMs: number
  ): unknown {
    const read = Object.hasOwn(PAST_READS, operation) ? PAST_READS[operation] : undefined
    if (!read) return this.call(operation, params, ctx)
    const simAt = this.model.clock.simNow() - lagMs
    return read(this.model, this.past, params ?? {}, ctx, simAt)
  }

  /**
   * Application Auto Scaling's way in: sets the desiredCount of the ACTIVE service with this ARN
   * as an UpdateService giving only desiredCount would (no other field changes and no deployment
   * starts), and posts `event` among the service's events, as ECS shows a scaling activity's
   * outcome. False when there is no such ACTIVE service.
   */
  setDesiredCount(serviceArn: string, count: number, event?: string): boolean {
    const arn = parseEcsArn(serviceArn)
    if (!arn || arn.kind !== 'service' || arn.path.length !== 2) return false
    const [clusterName, serviceName] = arn.path as [string, string]
    const clusterArn = ecsArn(arn, `cluster/${clusterName}`)
    const service = this.model.clusters.get(clusterArn)?.services.get(serviceName)
    if (!service || service.arn !== serviceArn || service.status !== 'ACTIVE') return false
    if (!Number.isInteger(count) || count < 0) return false
    if (count !== service.desiredCount) {
      service.desiredCount = count
      service.steady = false
    }
    if (event !== undefined) this.model.event(service, event, this.model.clock.simNow())
    return true
  }

  /** runs every service's scheduler and tasks up to simulated time `simNow` */
  advance(simNow: number): void {
    for (const cluster of this.model.clusters.values()) {
      for (const service of cluster.services.values()) {
        if (service.status === 'INACTIVE' && service.tasks.size === 0) continue
        advanceService(this.model, service, simNow)
      }
      // standalone tasks: no service posts their events
      for (const task of [...cluster.standalone.values()]) {
        advanceTask(this.model, task, simNow, new StepNotes())
      }
    }
    this.past.record(this.model, simNow)
  }

  reset(): void {
    this.model.clear()
    this.past.clear()
  }
}
