import type { TargetView, TaskView } from './ports.js'

/**
 * The one place a task is matched to its target. A task registers as one of:
 * - `ip` target group (awsvpc, on Fargate or EC2): the task's ENI address on the container port;
 * - `instance` target group (bridge or host mode on EC2): the instance it runs on and the host
 *   port Docker published the container port on, so two tasks of one service on one instance
 *   (bridge, dynamic host ports) are two targets told apart by their port.
 */
export interface TargetAddress {
  id: string
  /** undefined matches a target on any port */
  port?: number
}

/** Where a task is registered in its target group, best guess first; none until it has one. */
export function targetAddresses(task: TaskView, containerPort?: number): TargetAddress[] {
  const addresses: TargetAddress[] = []
  const binding =
    containerPort === undefined
      ? task.hostPorts?.[0]
      : task.hostPorts?.find((entry) => entry.containerPort === containerPort)
  if (task.instanceId && binding) addresses.push({ id: task.instanceId, port: binding.hostPort })
  if (task.privateIp) addresses.push({ id: task.privateIp, port: containerPort })
  return addresses
}

/**
 * Whether the task has an address a target can have, which will not change while it runs. A task
 * still PROVISIONING (waiting for an instance a capacity provider is adding) is not settled yet:
 * its status is what the capacity wait reads.
 */
export function addressed(task: TaskView): boolean {
  if (task.lastStatus === 'PROVISIONING') return false
  return Boolean(task.privateIp) || Boolean(task.instanceId && task.hostPorts?.length)
}

/** The task's target among these, if it is registered. */
export function targetOf(
  task: TaskView,
  targets: TargetView[],
  gate: { containerPort?: number }
): TargetView | undefined {
  for (const address of targetAddresses(task, gate.containerPort)) {
    const found = targets.find(
      (target) =>
        target.id === address.id &&
        (address.port === undefined || target.port === undefined || target.port === address.port)
    )
    if (found) return found
  }
  return undefined
}

/** `i-0abc:32768` or `10.0.1.7:8080` as the task's target reads; the task's id until it has one. */
export function addressWords(task: TaskView, containerPort?: number): string {
  const [address] = targetAddresses(task, containerPort)
  if (!address) return `${task.arn}${containerPort ? `:${containerPort}` : ''}`
  return address.port === undefined ? address.id : `${address.id}:${address.port}`
}
