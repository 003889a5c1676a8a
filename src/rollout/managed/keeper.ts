import { errorText, withCallPatience } from '../context.js'
import { listenerOf } from '../discover.js'
import { guardedPorts } from '../durable/guarded.js'
import { heartbeatEvery, LOOK_PATIENCE_MS, staleAfter } from '../durable/lock.js'
import type { Owner } from '../durable/record.js'
import { lockPriority } from '../durable/route-lock.js'
import { formatDuration } from '../duration.js'
import { RolloutLockedError, TakenOverError } from '../errors.js'
import type { LockPort, TagPort } from '../ports.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { runManaged, type ManagedDeps } from './engine.js'
import { inspectService } from './inspect.js'
import { decodeManaged, encodeManaged, isWorking, recordOf, type ManagedRecord } from './record.js'
import type { ManagedService, ManagedState } from './state.js'

export interface ManagedDurableDeps extends ManagedDeps {
  tags: TagPort
  lock: LockPort
  owner: Owner
}

/**
 * A deploy whose state lives in tags of the service's production listener rule, one run at a
 * time per listener (the same lock rule a pair's runs take). A run that went silent while it
 * followed a service deployment is taken over: that deployment is followed to its end first
 * (or rolled back, as the record says), then this run's deploy starts.
 */
export async function deployManagedWithState(
  settings: Settings,
  deps: ManagedDurableDeps
): Promise<RolloutOutcome> {
  if (settings.dryRun)
    return runManaged({ phase: 'inspect', startedAt: deps.clock.now() }, settings, deps)
  const service = await inspectService(settings, deps.deployments, (arn) => deps.elb.readRoute(arn))
  const onRule = { ...settings, routeArn: service.productionRuleArn, routeKind: 'rule' as const }
  const found = decodeManaged(await deps.tags.readTags(service.productionRuleArn))
  const lock = await takeLock(onRule, deps, found)
  const held = holding(onRule, deps, lock)
  try {
    let earlier: RolloutOutcome | undefined
    if (found && isWorking(found)) {
      deps.observer.warn(
        `the run ${found.ownerToken} went silent ${formatDuration(deps.clock.now() - found.heartbeatAt)} ago ` +
          `while it was at '${found.phase}': following what it started first`
      )
      const interrupted = resumedState(found, service)
      if (interrupted)
        earlier = await runManaged(interrupted, onRule, recording(onRule, held, found.startedAt))
      if (earlier) deps.observer.info(`the interrupted deploy ended ${earlier.result}`)
    }
    const outcome = await runManaged(
      { phase: 'inspect', startedAt: deps.clock.now() },
      onRule,
      recording(onRule, held)
    )
    // the same release again after finishing the interrupted one: that promotion is what happened
    return outcome.result === 'unchanged' && earlier?.result === 'promoted' ? earlier : outcome
  } finally {
    await deps.lock.deleteLockRule(lock)
  }
}

/**
 * The deps of a run that holds the lock rule `lockArn`: before every change (a revision, UpdateService,
 * ContinueServiceDeployment, StopServiceDeployment, a record or heartbeat write) it checks, fresh
 * from AWS, that the rule is still there, so a run that was taken over while it was silent
 * changes nothing more (TakenOverError). Reads pass straight through.
 */
function holding(
  settings: Settings,
  deps: ManagedDurableDeps,
  lockArn: string
): ManagedDurableDeps {
  const listener = listenerOf(settings.routeArn)
  const priority = lockPriority(settings)
  const guard = async (): Promise<void> => {
    const holder = await deps.lock.ruleAt(listener, priority)
    if (holder?.arn !== lockArn) {
      throw new TakenOverError(
        `another run took over the rollout on ${settings.routeArn} (its lock is no longer this ` +
          "run's); this run changes nothing more"
      )
    }
  }
  const guarded =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await guard()
      return call(...args)
    }
  const { deployments, tags } = deps
  // ECS and ELB as a pair's run guards them (the adapters are classes: no object spread)
  const { ecs, elb } = guardedPorts(deps.ecs, deps.elb, guard)
  return {
    ...deps,
    ecs,
    elb,
    deployments: {
      describeManagedService: (c, s) => deployments.describeManagedService(c, s),
      listDeployments: (c, s, since) => deployments.listDeployments(c, s, since),
      describeDeployment: (arn) => deployments.describeDeployment(arn),
      startDeployment: guarded((c, s, arn) => deployments.startDeployment(c, s, arn)),
      continueDeployment: guarded((arn, hook, action) =>
        deployments.continueDeployment(arn, hook, action)
      ),
      rollBackDeployment: guarded((arn) => deployments.rollBackDeployment(arn))
    },
    tags: {
      readTags: (arn) => tags.readTags(arn),
      writeTags: guarded((arn, values) => tags.writeTags(arn, values)),
      removeTags: guarded((arn, keys) => tags.removeTags(arn, keys))
    }
  }
}

/** The state an interrupted run's record says it was in, to be carried on from. */
function resumedState(record: ManagedRecord, service: ManagedService): ManagedState | undefined {
  const release = {
    taskDefinitionArn: record.revision ?? '',
    label: (record.revision ?? '').split('/').at(-1) ?? '',
    previousTaskDefinitionArn: record.previous ?? ''
  }
  const running = { startedAt: record.startedAt, service, release }
  if (record.phase === 'start') return { phase: 'start', ...running }
  if (!record.deploymentArn) return undefined
  const following = { ...running, deploymentArn: record.deploymentArn }
  if (record.phase === 'roll-back' || record.phase === 'rolling-back') {
    return {
      phase: 'roll-back',
      ...following,
      reason: `the run ${record.ownerToken} was rolling back when it stopped`
    }
  }
  // follow and continue are followed on: what ECS says now decides (a paused hook ends it paused)
  return { phase: 'follow', ...following }
}

/** Deps whose every state is recorded before its work starts, with a heartbeat on each poll. */
function recording(settings: Settings, deps: ManagedDurableDeps, startedAt?: number): ManagedDeps {
  const rule = settings.routeArn
  let beatAt = 0
  let began = startedAt
  return {
    ...deps,
    heartbeat: async () => {
      const now = deps.clock.now()
      // a third of stale-after, as a pair's run beats: a live run is never taken for silent
      if (deps.signal?.aborted || now - beatAt < heartbeatEvery(settings)) return
      beatAt = now
      // a beat only shows the run alive, with stale-after to spare: under throttling it must not
      // hold up the reads that follow ECS's deployment, nor end the run
      try {
        await withCallPatience(deps, LOOK_PATIENCE_MS, () =>
          deps.tags.writeTags(rule, { 'ecs-blue-green:managed-heartbeat': String(now) })
        )
      } catch (error) {
        if (error instanceof TakenOverError) throw error
        deps.observer.warn(`could not write the heartbeat: ${errorText(error)}`)
      }
    },
    onManagedState: async (state: ManagedState) => {
      await deps.onManagedState?.(state)
      if ('startedAt' in state) began ??= state.startedAt
      // a rollback is never held up by a write: asking ECS comes first, its ending is recorded
      if (state.phase === 'roll-back' || state.phase === 'rolling-back') return
      const record = recordOf(state, deps.owner.token, deps.clock.now(), began ?? deps.clock.now())
      if (!record) return
      beatAt = record.heartbeatAt
      await deps.tags.writeTags(rule, encodeManaged(record))
    }
  }
}

/**
 * The listener's lock rule: taken atomically; a holder whose record is alive keeps it, one whose
 * record went stale (or that left no record of this mode that is working) is displaced.
 */
async function takeLock(
  settings: Settings,
  deps: ManagedDurableDeps,
  found: ManagedRecord | undefined
): Promise<string> {
  const listener = listenerOf(settings.routeArn)
  const priority = lockPriority(settings)
  // the shape of a pair's lock rule (durable/route-lock.ts), so that either mode sees it held
  const tags = {
    'ecs-blue-green:lock': settings.routeArn,
    'ecs-blue-green:owner': deps.owner.token,
    'ecs-blue-green:claimed': new Date(deps.clock.now()).toISOString(),
    'ecs-blue-green:purpose': 'rollout'
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const claim = await deps.lock.createLockRule(listener, priority, tags)
    if (claim.kind === 'created') return claim.rule.arn
    const holder = await deps.lock.ruleAt(listener, priority)
    if (!holder) continue
    // a rule at that priority that is not this rule's lock is the user's: never touched
    if (holder.tags['ecs-blue-green:lock'] !== settings.routeArn) {
      throw new RolloutLockedError(
        `rule ${holder.arn} of ${listener} has the lock's priority ${priority} but is no lock of ` +
          `${settings.routeArn}; set lock-priority to a free priority. Nothing was changed`
      )
    }
    // alive: the holder's own working record beat within stale-after; a holder with no such
    // record (a run that died after it finished, or before it wrote one) by when it claimed
    const working =
      found !== undefined &&
      isWorking(found) &&
      found.ownerToken === holder.tags['ecs-blue-green:owner']
    const since = working
      ? found.heartbeatAt
      : Date.parse(holder.tags['ecs-blue-green:claimed'] ?? '')
    const silent = Number.isFinite(since) ? Math.max(0, deps.clock.now() - since) : Infinity
    if (silent < staleAfter(settings)) {
      throw new RolloutLockedError(
        `another run holds the lock of ${listener} (rule ${holder.arn}` +
          (working
            ? `, at '${found.phase}', alive ${formatDuration(silent)} ago`
            : `, claimed ${formatDuration(silent)} ago`) +
          '); nothing was changed. Wait for it to end, or run the action with command: abort'
      )
    }
    await deps.lock.deleteLockRule(holder.arn)
  }
  throw new RolloutLockedError(`could not take the lock of ${listener}; nothing was changed`)
}
