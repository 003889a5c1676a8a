import { seconds } from '../params.js'
import type { Task } from '../state.js'
import { attributesOf } from './attributes.js'
import { remaining } from './resources.js'
import type { ContainerInstance } from './state.js'

/** a container's host port bindings as DescribeTasks shows them (bridge and host mode only) */
export function renderBindings(task: Task, containerName: string): object[] {
  return (task.bindings ?? [])
    .filter((binding) => binding.containerName === containerName)
    .map(({ bindIP, containerPort, hostPort, protocol }) => ({
      bindIP,
      containerPort,
      hostPort,
      protocol
    }))
}

/** A container instance in the shape of DescribeContainerInstances. */
export function renderContainerInstance(instance: ContainerInstance): object {
  const left = remaining(instance)
  // dynamic host ports are not among an instance's PORTS, as ECS reports them
  const dynamic = new Set(
    [...instance.tasks.values()].flatMap((task) =>
      (task.bindings ?? []).filter((b) => b.dynamic).map((b) => `${b.protocol}/${b.hostPort}`)
    )
  )
  const ports = (used: Set<number>, protocol: string): string[] =>
    [...used].filter((port) => !dynamic.has(`${protocol}/${port}`)).map(String)
  const resources = (cpu: number, memory: number, tcp: string[], udp: string[]): object[] => [
    { name: 'CPU', type: 'INTEGER', integerValue: cpu, doubleValue: 0, longValue: 0 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: memory, doubleValue: 0, longValue: 0 },
    {
      name: 'PORTS',
      type: 'STRINGSET',
      stringSetValue: tcp,
      doubleValue: 0,
      longValue: 0,
      integerValue: 0
    },
    {
      name: 'PORTS_UDP',
      type: 'STRINGSET',
      stringSetValue: udp,
      doubleValue: 0,
      longValue: 0,
      integerValue: 0
    }
  ]
  const tasks = [...instance.tasks.values()]
  const registeredPorts = ['22', '2375', '2376', '51678', '51679']
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId,
    capacityProviderName: instance.capacityProviderName,
    version: instance.version,
    versionInfo: {
      agentVersion: '1.89.0',
      agentHash: '4a3d2b1c',
      dockerVersion: 'DockerVersion: 25.0.6'
    },
    remainingResources: resources(
      left.cpu,
      left.memory,
      ports(left.tcp, 'tcp'),
      ports(left.udp, 'udp')
    ),
    registeredResources: resources(instance.cpu, instance.memory, registeredPorts, []),
    status: instance.status,
    agentConnected: instance.agentConnected,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(
      (t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING'
    ).length,
    attributes: [...attributesOf(instance)].map(([name, value]) => ({ name, value })),
    registeredAt: seconds(instance.registeredAt),
    attachments: [],
    tags: []
  }
}
