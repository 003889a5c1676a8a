import { ApplicationAutoScalingBackend } from './application-autoscaling/backend.js'
import { ecsScaling } from './application-autoscaling/links.js'
import { CloudWatchBackend } from './cloudwatch/backend.js'
import { usageFromEcs } from './cloudwatch/ecs-usage.js'
import { SimClock } from './core/clock.js'
import type { ImageBehavior, TaskEvents, World } from './core/contracts.js'
import { SimDataPlane } from './dataplane/plane.js'
import { answerFromTasks } from './dataplane/tasks.js'
import { Ec2AutoScalingBackend } from './ec2-autoscaling/backend.js'
import { groupsForEcs } from './ec2-autoscaling/ecs-link.js'
import { EcsBackend } from './ecs/backend.js'
import { homeOfGroup } from './ecs/capacity/placement.js'
import { MANAGED_SCALING_NAMESPACE, ManagedScaling } from './ecs/capacity/managed-scaling.js'
import { registerContainerInstance, terminateInstance } from './ecs/instances/registry.js'
import type { HookAnswers } from './ecs/managed/hook-answers.js'
import { interruptTasks } from './ecs/interrupt.js'
import { instanceEvents } from './ecs/instances/events.js'
import { Elbv2Backend } from './elbv2/backend.js'
import type { HealthProbe } from './elbv2/probe.js'
import { ImageBook } from './images.js'
import { ViolationLog } from './core/violations.js'

/** the longest simulated stretch one step covers; health checks and task starts are seconds apart */
const STEP_MS = 1000
/** after a long pause (a suspended laptop), steps grow so that one tick stays cheap */
const MAX_STEPS_PER_TICK = 200

export interface SimWorld extends World {
  readonly ecs: EcsBackend
  readonly elbv2: Elbv2Backend
  readonly images: ImageBook
  readonly cloudwatch: CloudWatchBackend
  readonly autoscaling: ApplicationAutoScalingBackend
  /** EC2 Auto Scaling: groups whose instances join ECS clusters through capacity providers */
  readonly ec2AutoScaling: Ec2AutoScalingBackend
  readonly dataPlane: SimDataPlane
  readonly violations: ViolationLog
  readonly taskEvents: TaskEvents
  readonly hookAnswers: HookAnswers
}

/**
 * ECS, ELBv2, CloudWatch and Application Auto Scaling sharing one simulated clock and one book of image behaviours; the
 * load balancers' data plane routes requests to the tasks and CloudWatch counts what it served.
 * `clock` lets a test bring a manual clock (`new SimClock({ manual: true })`).
 */
export function createWorld(
  options: {
    timeScale?: number
    clock?: SimClock
    /** false: AWS/ECS CPU and memory are not published (a model test feeds its own figures) */
    ecsMetrics?: boolean
  } = {}
): SimWorld {
  const clock = options.clock ?? new SimClock()
  if (options.timeScale !== undefined) clock.timeScale = options.timeScale
  const images = new ImageBook()
  // one record for both models: ELBv2 judges weight writes, ECS judges scaling to zero
  const violations = new ViolationLog()
  // the two simulations ask each other: ELBv2 probes tasks, ECS registers targets and reads health
  const probe: HealthProbe = { check: (ip, port, at) => ecs.probe.check(ip, port, at) }
  const elbv2: Elbv2Backend = new Elbv2Backend(clock, probe, violations)
  const ecs: EcsBackend = new EcsBackend(clock, images, elbv2.forEcs, violations)
  const cloudwatch = new CloudWatchBackend(
    clock,
    options.ecsMetrics === false ? {} : { ecsUsage: usageFromEcs(ecs.model) }
  )
  // ECS reads the alarms of a service's deploymentConfiguration while it deploys
  ecs.model.alarmState = (region, name) => cloudwatch.model.alarms.get(`${region}/${name}`)?.state
  // scales ECS services on CloudWatch alarms; reads ELBv2 for ALBRequestCountPerTarget labels
  const autoscaling = new ApplicationAutoScalingBackend(
    clock,
    cloudwatch.model,
    elbv2.model,
    ecsScaling(ecs)
  )
  // instances boot in EC2 Auto Scaling and register with the cluster of the provider that owns their group
  const ec2AutoScaling = new Ec2AutoScalingBackend(clock)
  ec2AutoScaling.model.sink = {
    launched: (instance) => {
      const home = homeOfGroup(ecs.model, instance.groupArn)
      if (!home) return
      registerContainerInstance(ecs.model, home.cluster, {
        cpu: instance.cpu,
        memory: instance.memory,
        instanceType: instance.instanceType,
        availabilityZone: instance.availabilityZone,
        ec2InstanceId: instance.instanceId,
        capacityProviderName: home.provider.name
      })
    },
    terminated: (instanceId, _groupArn, simAt) =>
      void terminateInstance(ecs.model, instanceId, simAt)
  }
  ecs.model.capacity.groups = groupsForEcs(ec2AutoScaling.model)
  const managedScaling = new ManagedScaling(ecs.model, (datum) =>
    cloudwatch.model.metrics.put(
      {
        region: datum.region,
        namespace: MANAGED_SCALING_NAMESPACE,
        metricName: 'CapacityProviderReservation',
        dimensions: [
          { Name: 'CapacityProviderName', Value: datum.capacityProviderName },
          { Name: 'ClusterName', Value: datum.clusterName }
        ]
      },
      {
        simAt: datum.simAt,
        unit: 'Percent',
        value: datum.value,
        count: 1,
        sum: datum.value,
        min: datum.value,
        max: datum.value
      }
    )
  )
  let simulatedTo = clock.simNow()

  const tick = (): void => {
    const target = clock.simNow()
    const step = Math.max(STEP_MS, (target - simulatedTo) / MAX_STEPS_PER_TICK)
    while (simulatedTo < target) {
      simulatedTo = Math.min(target, simulatedTo + step)
      // health first, so that ECS acts on this step's checks and drained targets at once
      elbv2.advance(simulatedTo)
      ecs.advance(simulatedTo)
      // managed scaling reads this step's PROVISIONING tasks; the groups then launch what it asked for
      managedScaling.advance(simulatedTo)
      ec2AutoScaling.advance(simulatedTo)
      // traffic meets this step's health; alarms then see this step's traffic
      dataPlane.advance(simulatedTo)
      cloudwatch.advance(simulatedTo)
      // policies act on the alarm states this step's evaluation left
      autoscaling.advance(simulatedTo)
    }
    dataPlane.sync()
  }
  const dataPlane: SimDataPlane = new SimDataPlane({
    clock,
    elbv2: elbv2.model,
    tasks: answerFromTasks(ecs.model),
    record: (served) => cloudwatch.recordServed(served),
    catchUp: tick
  })

  return {
    clock,
    backends: [ecs, elbv2, cloudwatch, autoscaling, ec2AutoScaling],
    ecs,
    elbv2,
    images,
    cloudwatch,
    autoscaling,
    ec2AutoScaling,
    dataPlane,
    violations,
    hookAnswers: ecs.model.hookAnswers,
    taskEvents: {
      interrupt(request) {
        // the interruption lands at the simulation's present, after what was due before it
        tick()
        return interruptTasks(ecs.model, request, simulatedTo)
      }
    },
    containerInstances: (() => {
      const events = instanceEvents(ecs.model)
      // an instance joins or leaves at the simulation's present, after what was due before it
      return {
        start: (request) => (tick(), events.start(request)),
        stop: (id) => (tick(), events.stop(id))
      }
    })(),
    setImageBehavior(behavior: ImageBehavior): void {
      images.set(behavior)
    },
    tick,
    reset(): void {
      ecs.reset()
      elbv2.reset()
      cloudwatch.reset()
      autoscaling.reset()
      ec2AutoScaling.reset()
      managedScaling.reset()
      images.clear()
      dataPlane.reset()
      violations.clear()
      simulatedTo = clock.simNow()
    }
  }
}
