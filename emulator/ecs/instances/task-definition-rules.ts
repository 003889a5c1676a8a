import { clientError, type Params } from '../params.js'

const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none']

/**
 * What RegisterTaskDefinition checks for the EC2 launch type, beyond what every definition needs:
 * a known network mode, and, without task-level memory, a memory or memoryReservation on every
 * container (the scheduler must know what to reserve on an instance).
 */
export function checkEc2Definition(params: Params): void {
  const mode = params.networkMode
  if (mode !== undefined && (typeof mode !== 'string' || !NETWORK_MODES.includes(mode))) {
    throw clientError(
      `Invalid networkMode '${String(mode)}'; valid values are ${NETWORK_MODES.join(', ')}.`
    )
  }
  const compatibilities = Array.isArray(params.requiresCompatibilities)
    ? params.requiresCompatibilities
    : []
  if (!compatibilities.includes('EC2') || params.memory !== undefined) return
  for (const container of (params.containerDefinitions ?? []) as Params[]) {
    if (container.memory === undefined && container.memoryReservation === undefined) {
      throw clientError(
        `Invalid setting for container '${String(container.name)}'. At least one of 'memory' or 'memoryReservation' must be specified.`
      )
    }
  }
}
