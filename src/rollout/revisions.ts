import { errorText } from './context.js'
import type { EcsPort, RevisionsPort, RolloutObserver, TagPort } from './ports.js'
import type { RolloutOutcome, Settings } from './settings.js'
import { decodeRecord } from './durable/tags.js'

/** Deregistrations a run makes at most: a family that grew for years is trimmed over a few runs. */
export const MAX_DEREGISTRATIONS = 100

const TASK_DEFINITION = ':task-definition/'

/** `arn:...:task-definition/web:42` -> `web:42`; a `family:revision` stays as it is. */
function label(arn: string): string {
  const at = arn.indexOf(TASK_DEFINITION)
  return at < 0 ? arn : arn.slice(at + TASK_DEFINITION.length)
}

function familyOf(arn: string): string {
  return label(arn).replace(/:\d+$/, '')
}

export interface KeepRevisionsDeps {
  ecs: EcsPort
  revisions?: RevisionsPort
  tags?: TagPort
  observer: RolloutObserver
}

/**
 * `keep-revisions: N`, once a promotion is complete and recorded: deregisters the family's ACTIVE
 * revisions beyond the newest N. Never the live revision, the previous one, any revision a
 * service of the pair runs or still drains, or any revision the rollout record on the route
 * names (what a rollback goes back to). Read fresh, just before. Nothing here fails the
 * promotion: a problem is a warning, and the words say what was done.
 */
export async function keepRevisions(
  settings: Settings,
  outcome: RolloutOutcome,
  deps: KeepRevisionsDeps
): Promise<string | undefined> {
  const keep = settings.keepRevisions
  const live = outcome.taskDefinitionArn
  if (keep === undefined || !live || outcome.result !== 'promoted') return undefined
  const { observer, revisions } = deps
  if (!revisions) return undefined
  const family = familyOf(live)
  const warn = (text: string): string => {
    observer.warn(`keep-revisions: ${text}`)
    return text
  }
  let listed: string[]
  const named = new Set<string>()
  try {
    for (const arn of [live, outcome.previousTaskDefinitionArn]) if (arn) named.add(label(arn))
    for (const arn of await inUse(settings, deps)) named.add(label(arn))
    // ECS documents familyPrefix as the whole family; only the family's own are ever touched
    listed = (await revisions.listActiveRevisions(family)).filter((arn) => familyOf(arn) === family)
  } catch (error) {
    return warn(`no revision of ${family} was deregistered: ${errorText(error)}`)
  }
  const newest = (arn: string): number => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0)
  listed.sort((a, b) => newest(b) - newest(a))
  const old = listed.slice(keep).filter((arn) => !named.has(label(arn)))
  if (old.length === 0) return undefined
  const done: string[] = []
  for (const arn of old.slice(0, MAX_DEREGISTRATIONS)) {
    try {
      await revisions.deregisterTaskDefinition(arn)
      done.push(label(arn))
    } catch (error) {
      const so = done.length > 0 ? `deregistered ${done.join(', ')}, then ` : ''
      return warn(`${so}could not deregister ${label(arn)}: ${errorText(error)}; the rest kept`)
    }
  }
  const more = old.length - done.length
  const text =
    `deregistered ${done.join(', ')} (keep-revisions: ${keep})` +
    (more > 0 ? `; ${more} more are left to the next promotion` : '')
  observer.info(text)
  return text
}

/** The revisions the pair's services run or drain, and those the record on the route names. */
async function inUse(settings: Settings, deps: KeepRevisionsDeps): Promise<string[]> {
  const arns: string[] = []
  const views = await deps.ecs.describeServices(settings.cluster, [...settings.services])
  for (const view of views) {
    if ('missing' in view) continue
    arns.push(view.taskDefinitionArn, ...view.deployments.map((d) => d.taskDefinitionArn))
  }
  if (deps.tags) {
    const decoded = decodeRecord(await deps.tags.readTags(settings.routeArn))
    if (decoded.kind === 'record') {
      const { record } = decoded
      arns.push(record.previousRevision, ...(record.revision ? [record.revision] : []))
    }
  }
  return arns
}

/** The outcome, with what keep-revisions did once a promotion is complete. */
export async function withKeptRevisions(
  settings: Settings,
  outcome: RolloutOutcome,
  deps: KeepRevisionsDeps
): Promise<RolloutOutcome> {
  const revisions = await keepRevisions(settings, outcome, deps)
  return revisions ? { ...outcome, revisions } : outcome
}
