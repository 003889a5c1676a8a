import type { Clock, EcsPort, ElbPort, LockPort, TagPort } from '../ports.js'
import { patiently } from './patient.js'

/**
 * Answers that asking again cannot change: the request is wrong, the thing is not there, the
 * caller may not read it, AWS throttled it for as long as the run allows, or the domain has
 * decided (a refusal of this action's own making).
 * Anything else (throttling, a 5xx, a timeout, a reset connection) may pass.
 */
const FINAL_READ =
  /Validation|InvalidParameter|NotFound|AccessDenied|Unauthorized|ClientException|ServiceNotActive|Unsupported|InvalidClientTokenId|ExpiredToken|Credentials|InputError|TopologyError|RolloutLocked|RecordError|TakenOver|AbortedByOther|ThrottledTooLong/

/** The error code of an error: its name, or the code a message starts with (`NotFound: ...`). */
function finalRead(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = /^(\w+):/.exec(error.message)?.[1] ?? ''
  return FINAL_READ.test(error.name) || (error.name === 'Error' && FINAL_READ.test(code))
}

/** What a read is retried on: a final refusal is thrown at once, anything else tried again. */
function patientRead<T>(clock: Clock, read: () => Promise<T>): Promise<T> {
  return patiently(clock, read, undefined, finalRead)
}

/** patient port -> the port it wraps, and the ports that are patient already */
const rawOf = new WeakMap<object, object>()

/** The port a patient one wraps (itself when it is not patient): for a look that must not wait. */
export function impatient<P extends object>(port: P): P {
  return (rawOf.get(port) as P | undefined) ?? port
}

function remember<P extends object>(raw: P, patient: P): P {
  rawOf.set(patient, raw)
  return patient
}

export function patientEcs(ecs: EcsPort, clock: Clock): EcsPort {
  if (rawOf.has(ecs)) return ecs
  return remember(ecs, {
    describeServices: (cluster, names) =>
      patientRead(clock, () => ecs.describeServices(cluster, names)),
    describeTaskDefinition: (arn) => patientRead(clock, () => ecs.describeTaskDefinition(arn)),
    listTasks: (cluster, service, status) =>
      patientRead(clock, () => ecs.listTasks(cluster, service, status)),
    describeTasks: (cluster, arns) => patientRead(clock, () => ecs.describeTasks(cluster, arns)),
    registerTaskDefinition: (definition) => ecs.registerTaskDefinition(definition),
    updateService: (cluster, service, change) => ecs.updateService(cluster, service, change),
    runTask: (task) => ecs.runTask(task),
    stopTask: (cluster, taskArn, reason) => ecs.stopTask(cluster, taskArn, reason)
  })
}

export function patientElb(elb: ElbPort, clock: Clock): ElbPort {
  if (rawOf.has(elb)) return elb
  return remember(elb, {
    readRoute: (arn) => patientRead(clock, () => elb.readRoute(arn)),
    describeTargetHealth: (arn) => patientRead(clock, () => elb.describeTargetHealth(arn)),
    describeTargetGroups: (arns) => patientRead(clock, () => elb.describeTargetGroups(arns)),
    writeForward: (route, forward) => elb.writeForward(route, forward)
  })
}

export function patientTags(tags: TagPort, clock: Clock): TagPort {
  if (rawOf.has(tags)) return tags
  return remember(tags, {
    readTags: (arn) => patientRead(clock, () => tags.readTags(arn)),
    writeTags: (arn, values) => tags.writeTags(arn, values),
    removeTags: (arn, keys) => tags.removeTags(arn, keys)
  })
}

export function patientLock(lock: LockPort, clock: Clock): LockPort {
  if (rawOf.has(lock)) return lock
  return remember(lock, {
    ruleAt: (listener, priority) => patientRead(clock, () => lock.ruleAt(listener, priority)),
    readWithLock: (route, lockArn) => patientRead(clock, () => lock.readWithLock(route, lockArn)),
    createLockRule: (listener, priority, values) => lock.createLockRule(listener, priority, values),
    deleteLockRule: (arn) => lock.deleteLockRule(arn)
  })
}

/**
 * The deps of a command that keeps state in AWS, with every read made patient: a read changes
 * nothing, so asking again is always safe, and a passing throttle, 5xx or timeout must not end
 * a command halfway (after it took the lock, say, with traffic still to return). Writes pass
 * through as they are: whether one may be sent again is for its caller to judge. Applied once
 * (patient ports are left as they are), where each durable command and the Keeper get their deps.
 */
export function patientDeps<
  D extends { ecs: EcsPort; elb: ElbPort; tags: TagPort; lock: LockPort; clock: Clock }
>(deps: D): D {
  const { clock } = deps
  const ecs = patientEcs(deps.ecs, clock)
  const elb = patientElb(deps.elb, clock)
  const tags = patientTags(deps.tags, clock)
  const lock = patientLock(deps.lock, clock)
  if (ecs === deps.ecs && elb === deps.elb && tags === deps.tags && lock === deps.lock) return deps
  return { ...deps, ecs, elb, tags, lock }
}
