/**
 * ECS on EC2 in the models: cluster `c`, instances started as the control API starts them, an
 * ALB with an `instance` target group, and bridge-mode task definitions of family `api`.
 */
import { type Json, type ModelWorld } from './model-fixture.js'

export function ec2Cluster(w: ModelWorld): void {
  w.ecs('CreateCluster', { clusterName: 'c' })
}

/** starts `count` instances through the world's control seam; returns their EC2 ids */
export function startInstances(
  w: ModelWorld,
  count: number,
  spec: { cpu?: number; memory?: number; instanceType?: string; availabilityZone?: string } = {}
): string[] {
  const result = w.world.containerInstances?.start({
    cluster: 'c',
    count,
    cpu: spec.cpu ?? 2048,
    memory: spec.memory ?? 4096,
    instanceType: spec.instanceType ?? 'm5.large',
    ...(spec.availabilityZone ? { availabilityZone: spec.availabilityZone } : {})
  })
  if (!result?.ok) throw new Error(`instances did not start: ${JSON.stringify(result)}`)
  return result.started.map((s) => s.ec2InstanceId)
}

/** a bridge-mode (or `networkMode`) revision of family `api`: container `api` on port 8080 */
export function registerApi(
  w: ModelWorld,
  options: { memory?: number; cpu?: number; hostPort?: number; networkMode?: string } = {}
): string {
  return w.ecs('RegisterTaskDefinition', {
    family: 'api',
    networkMode: options.networkMode ?? 'bridge',
    requiresCompatibilities: ['EC2'],
    containerDefinitions: [
      {
        name: 'api',
        image: 'api:1',
        cpu: options.cpu ?? 256,
        memory: options.memory ?? 512,
        portMappings: [
          {
            containerPort: 8080,
            ...(options.hostPort !== undefined ? { hostPort: options.hostPort } : {})
          }
        ]
      }
    ]
  }).taskDefinition.taskDefinitionArn
}

export function instanceGroup(w: ModelWorld, name = 'api'): string {
  const lb = w.elb('CreateLoadBalancer', { Name: `${name}-alb`, Subnets: ['subnet-1', 'subnet-2'] })
    .LoadBalancers[0]
  const arn = w.elb('CreateTargetGroup', {
    Name: name,
    Protocol: 'HTTP',
    Port: '80',
    VpcId: 'vpc-1',
    TargetType: 'instance',
    HealthCheckIntervalSeconds: '5',
    HealthCheckTimeoutSeconds: '2',
    HealthyThresholdCount: '2',
    UnhealthyThresholdCount: '2'
  }).TargetGroups[0].TargetGroupArn
  w.elb('ModifyTargetGroupAttributes', {
    TargetGroupArn: arn,
    Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }]
  })
  w.elb('CreateListener', {
    LoadBalancerArn: lb.LoadBalancerArn,
    Protocol: 'HTTP',
    Port: '80',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }]
  })
  return arn
}

export function ec2Service(
  w: ModelWorld,
  name: string,
  taskDefinition: string,
  desiredCount: number,
  extra: Record<string, unknown> = {}
): Json {
  return w.ecs('CreateService', {
    cluster: 'c',
    serviceName: name,
    taskDefinition,
    desiredCount,
    launchType: 'EC2',
    ...extra
  }).service
}

export function liveTasks(w: ModelWorld, serviceName: string): Json[] {
  const arns = w.ecs('ListTasks', { cluster: 'c', serviceName }).taskArns
  return arns.length === 0 ? [] : w.ecs('DescribeTasks', { cluster: 'c', tasks: arns }).tasks
}

/** EC2 instance id of the container instance each task runs on */
export function hostsOf(w: ModelWorld, tasks: Json[]): string[] {
  const arns = [...new Set(tasks.map((t: Json) => t.containerInstanceArn as string))]
  const described = w.ecs('DescribeContainerInstances', { cluster: 'c', containerInstances: arns })
    .containerInstances as Json[]
  const byArn = new Map(described.map((d: Json) => [d.containerInstanceArn, d.ec2InstanceId]))
  return tasks.map((t: Json) => byArn.get(t.containerInstanceArn) as string)
}
