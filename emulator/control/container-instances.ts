import type { ContainerInstanceEvents, World } from '../core/contracts.js'
import type { ControlResponse } from './api.js'
import { asObject, nonEmptyString, optionalNumber, rejectUnknownFields } from './input.js'

const FIELDS = ['cluster', 'count', 'cpu', 'memory', 'instanceType', 'availabilityZone']
/** enough for any test cluster; a bigger one is likely a typo */
const MAX_COUNT = 100

/**
 * The EC2 instances' part of the control API:
 *
 * - `POST container-instances`  `{ cluster, count?, cpu?, memory?, instanceType?, availabilityZone? }`
 *                               starts `count` (default 1, at most 100) simulated EC2 instances whose
 *                               ECS agent registers them in the cluster (defaults: 2048 CPU units,
 *                               4096 MiB, m5.large, the region's `a` zone); answers `{ containerInstances:
 *                               [{ ec2InstanceId, containerInstanceArn }] }`
 * - `DELETE container-instances/<i-...>`  terminates that instance: its tasks stop ("Host EC2
 *                               (instance i-...) terminated.", TerminationNotice), it is
 *                               deregistered, services replace its tasks elsewhere
 *
 * Answers undefined for any other path, so that the caller goes on routing.
 */
export function routeContainerInstances(
  method: string,
  path: string,
  body: () => unknown,
  world: World
): ControlResponse | undefined {
  if (path !== 'container-instances' && !path.startsWith('container-instances/')) return undefined
  const events = world.containerInstances
  if (!events) return { status: 404, body: { message: 'this emulator world runs no instances' } }
  if (path === 'container-instances') {
    if (method !== 'POST') {
      return { status: 405, body: { message: `${method} container-instances: use POST` } }
    }
    return start(events, body())
  }
  if (method !== 'DELETE') {
    return { status: 405, body: { message: `${method} ${path}: use DELETE` } }
  }
  const id = decodeURIComponent(path.slice('container-instances/'.length))
  return events.stop(id)
    ? { status: 200, body: { ok: true } }
    : { status: 404, body: { message: `no running instance ${id}` } }
}

function start(events: ContainerInstanceEvents, raw: unknown): ControlResponse {
  const input = asObject(raw, 'the request')
  rejectUnknownFields(input, FIELDS, 'the request')
  const cluster = nonEmptyString(input.cluster, 'cluster')
  const count = optionalNumber(input.count, 'count', { min: 1, max: MAX_COUNT, integer: true }) ?? 1
  const cpu = optionalNumber(input.cpu, 'cpu', { min: 128, max: 196608, integer: true }) ?? 2048
  const memory =
    optionalNumber(input.memory, 'memory', { min: 128, max: 24 * 1024 * 1024, integer: true }) ??
    4096
  const instanceType =
    input.instanceType === undefined
      ? 'm5.large'
      : nonEmptyString(input.instanceType, 'instanceType')
  const availabilityZone =
    input.availabilityZone === undefined
      ? undefined
      : nonEmptyString(input.availabilityZone, 'availabilityZone')
  const result = events.start({ cluster, count, cpu, memory, instanceType, availabilityZone })
  return result.ok
    ? { status: 200, body: { containerInstances: result.started } }
    : { status: 404, body: { message: result.message } }
}
