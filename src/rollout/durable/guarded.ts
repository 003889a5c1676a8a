import type { EcsPort, ElbPort, ScalingPort } from '../ports.js'

/**
 * The ports a rollout runs with while it holds the lock: every mutating call first checks, fresh
 * from AWS, that the run still holds it (`guard` throws when not), so a run that lost the
 * rollout to an abort or a takeover changes nothing more. Reads pass straight through.
 */
export function guardedPorts(
  ecs: EcsPort,
  elb: ElbPort,
  guard: () => Promise<void>,
  scaling?: ScalingPort
): { ecs: EcsPort; elb: ElbPort; scaling?: ScalingPort } {
  return {
    ...(scaling ? { scaling: guardedScaling(scaling, guard) } : {}),
    ecs: {
      describeServices: (cluster, names) => ecs.describeServices(cluster, names),
      describeTaskDefinition: (arn) => ecs.describeTaskDefinition(arn),
      listTasks: (cluster, service, status) => ecs.listTasks(cluster, service, status),
      describeTasks: (cluster, arns) => ecs.describeTasks(cluster, arns),
      registerTaskDefinition: async (definition) => {
        await guard()
        return ecs.registerTaskDefinition(definition)
      },
      updateService: async (cluster, service, change) => {
        await guard()
        return ecs.updateService(cluster, service, change)
      },
      runTask: async (task) => {
        await guard()
        return ecs.runTask(task)
      },
      stopTask: async (cluster, taskArn, reason) => {
        await guard()
        return ecs.stopTask(cluster, taskArn, reason)
      }
    },
    elb: {
      readRoute: (arn) => elb.readRoute(arn),
      describeTargetHealth: (arn) => elb.describeTargetHealth(arn),
      describeTargetGroups: (arns) => elb.describeTargetGroups(arns),
      writeForward: async (route, forward) => {
        await guard()
        return elb.writeForward(route, forward)
      }
    }
  }
}

function guardedScaling(scaling: ScalingPort, guard: () => Promise<void>): ScalingPort {
  return {
    describeTargets: (cluster, services) => scaling.describeTargets(cluster, services),
    describePolicies: (cluster, service) => scaling.describePolicies(cluster, service),
    registerTarget: async (cluster, service, change) => {
      await guard()
      return scaling.registerTarget(cluster, service, change)
    },
    putPolicy: async (cluster, service, policy) => {
      await guard()
      return scaling.putPolicy(cluster, service, policy)
    }
  }
}
