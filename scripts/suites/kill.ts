/**
 * The kill suite: the bundled action is SIGKILLed at a seeded point of a rollout (a runner that
 * dies, an OOM kill), then what a user or GitHub does next runs: the `post:` step with the state
 * the main step saved, and/or the next command (a deploy once the dead run's heartbeat is stale,
 * a promote, or an abort). Every trial must end safe: all traffic on one side, every task of that
 * side running and healthy, and tags that say what happened: a settled phase that matches the
 * traffic, no state when nothing moved, or, when nothing after the kill changed anything but the
 * post step's return of the traffic (a refused promote or abort, or no next command), the dead
 * run's own record, still naming the run and the phase it stopped in. Half the trials run on a
 * pair scaled by Application Auto Scaling; once no rollout is in flight its scalable targets must
 * be as found, or handed over to the side that went live. Seeded: the same seed picks the same
 * releases, kill points, next commands and scaled pairs.
 */
import {
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { ChildProcess } from 'node:child_process'
import type { CallRecord } from '../../emulator/control/call-log.js'
import { mulberry32 } from '../../emulator/control/faults.js'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig, control } from '../../__tests__/helpers/emulator.js'
import { placeholdersOf, policyProblems } from '../../__tests__/iam/check.js'
import { runAction, type ActionRun } from '../lib/github-runner.js'
import { releaseMix } from './faults.js'
import { pool } from './pool.js'
import { formatReport, type SuiteReport } from './report.js'
import {
  planRollout,
  SUITE_DESIRED_COUNT,
  suiteInputs,
  type PlannedRollout,
  type ReleaseKind
} from './rollout.js'
import { readEndState } from './safety.js'
import {
  desiredCounts,
  pairWords,
  readPairScaling,
  recordedWords,
  scalePair,
  scalingEnding,
  type PairScaling,
  type ScalingEnding
} from './scaling.js'
import { suiteViolations } from './violations.js'

export const NEXT_COMMANDS = ['deploy', 'promote', 'abort'] as const
export type NextCommand = (typeof NEXT_COMMANDS)[number]

/** Where one trial kills the action and what runs after. */
export interface KillPlan {
  index: number
  kind: ReleaseKind
  /** SIGKILL `delayMs` after the action begins its `afterGroup`-th phase (log group) */
  afterGroup: number
  delayMs: number
  /** the post step runs with the state the killed step saved, as GitHub runs it */
  post: boolean
  /** the command run after that; none only when the post step is all that runs */
  next?: NextCommand
  /** both services have scalable targets (and the live side a target tracking policy) */
  scaled: boolean
}

/** How one trial went. */
export interface KillTrial {
  plan: KillPlan
  /**
   * the phase the tags said when the action was dead: `discovery` before it claimed the route,
   * `not killed` when it finished first
   */
  killedIn: string
  /** the log group the action was in when the kill went out */
  killedDuring?: string
  /** when the kill went out (or the run ended, when it finished first) */
  killedAt: number
  /** how the tags ended: settled (or none), or still the dead run's record, left open */
  ending?: 'settled' | 'left open'
  post?: ActionRun
  next?: ActionRun
  /** on a scaled pair: the scalable targets before the trial, and how they ended */
  scaling?: { found: PairScaling; ending?: ScalingEnding | 'in flight' }
  problems: string[]
}

export interface KillSuiteOptions {
  /** the emulator's URL (best at timeScale 0.05, as the tests run it) */
  url: string
  trials: number
  seed: number
  /** how many trials run at once (default 5) */
  concurrency?: number
  log?: (line: string) => void
}

/**
 * The phases a rollout of each kind begins, with the suite's inputs, up to and including the one
 * it ends in: Discover, Render, Register, Bring up, then three shifts and bakes, Promote and Scale
 * down (good), Revert straight after bring-up (unhealthy, crash) or after the 50% shift (degrade).
 */
const PHASES: Record<ReleaseKind, number> = { good: 12, unhealthy: 5, crash: 5, degrade: 9 }

/** Every run of a trial: short heartbeats, so that a dead run is stale a moment after its death. */
const STALE_AFTER = '1s'
const STALE_WAIT_MS = 1300
const TRIAL_INPUTS = { 'stale-after': STALE_AFTER, 'scale-down-delay': '1s' }

const SETTLED = ['promoted', 'reverted', 'aborted', 'rolled-back']
const tag = (field: string): string => `ecs-blue-green:${field}`

/**
 * Which trials run on a scaled pair: half of them (rounded up, so that even one trial is), picked
 * by a generator of their own, so that the other picks of a seed stay what they were.
 */
export function scaledTrials(trials: number, seed: number): Set<number> {
  const random = mulberry32(seed * 104729 + 29)
  const order = Array.from({ length: trials }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  return new Set(order.slice(0, Math.ceil(trials / 2)))
}

export function planKills(trials: number, seed: number): KillPlan[] {
  const kinds = releaseMix(trials, seed)
  const scaled = scaledTrials(trials, seed)
  const random = mulberry32(seed * 7919 + 17)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  return kinds.map((kind, index): KillPlan => {
    const afterGroup = 1 + Math.floor(random() * PHASES[kind])
    // a revert takes milliseconds: only a kill the moment it begins lands inside it; elsewhere a
    // quarter of the kills go out the moment a phase begins, racing its first call
    const last = afterGroup === PHASES[kind] && kind !== 'good'
    const delayMs = last || random() < 0.25 ? 0 : Math.round(random() * 600)
    const post = random() < 0.5
    const next = post && random() < 0.25 ? undefined : pick(NEXT_COMMANDS)
    return {
      index,
      kind,
      afterGroup,
      delayMs,
      post,
      ...(next ? { next } : {}),
      scaled: scaled.has(index)
    }
  })
}

/** What ran after the kill: "post+promote", "abort", "post" */
export function thenWords(plan: KillPlan): string {
  return [plan.post ? 'post' : '', plan.next ?? ''].filter(Boolean).join('+') || 'nothing'
}

/**
 * "trial 3 (good release with auto scaling, killed in shift (during Bake at 50%), then
 * post+promote)"
 */
export function trialWords(trial: KillTrial): string {
  const { plan } = trial
  const scaled = plan.scaled ? ' with auto scaling' : ''
  const killed =
    trial.killedIn === 'not killed'
      ? 'finished before the kill'
      : `killed in ${trial.killedIn}${trial.killedDuring ? ` (during ${trial.killedDuring})` : ''}`
  return `trial ${plan.index} (${plan.kind} release${scaled}, ${killed}, then ${thenWords(plan)})`
}

export async function routeTags(url: string, t: Topology): Promise<Record<string, string>> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url))
  try {
    const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [t.routeArn] }))
    return Object.fromEntries(
      (out.TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])
    )
  } finally {
    elb.destroy()
  }
}

/** The killed run and its post step are one GitHub run; the next command is the one after. */
const mainRunId = (plan: KillPlan): number => 1000 * (plan.index + 1)

/** The environment of GitHub run `id`, so that the tags and messages name the run. */
function githubRun(id: number, caller: string): Record<string, string> {
  return {
    GITHUB_RUN_ID: String(id),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/web',
    AWS_SDK_UA_APP_ID: caller
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/** Runs the deploy and SIGKILLs it where the plan says; returns the run and the group it was in. */
async function killedDeploy(
  url: string,
  plan: KillPlan,
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<{ run: ActionRun; during?: string; at: number }> {
  let begun = 0
  let current = ''
  let during: string | undefined
  let at = 0
  const onOutput = (text: string, child: ChildProcess): void => {
    for (const match of text.matchAll(/^::group::(.*)$/gm)) {
      current = (match[1] ?? '').replace(/%25/g, '%')
      if (++begun !== plan.afterGroup) continue
      setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return
        during = current
        at = Date.now()
        child.kill('SIGKILL')
      }, plan.delayMs)
    }
  }
  const run = await runAction(inputs, {
    endpoint: url,
    env,
    onOutput
  })
  return { run, ...(run.signal === 'SIGKILL' ? { during } : {}), at: at || Date.now() }
}

function nextInputs(rollout: PlannedRollout, next: NextCommand): Record<string, string> {
  return suiteInputs(rollout.topology, rollout.image, { ...TRIAL_INPUTS, command: next })
}

/**
 * One trial on a pair of its own: the killed deploy, then what its plan says runs next, judged.
 * `found`: the pair's scalable targets before the trial, when it is scaled.
 */
export async function runKillTrial(
  url: string,
  name: string,
  rollout: PlannedRollout,
  plan: KillPlan,
  found?: PairScaling
): Promise<KillTrial> {
  const caller = `${name}-${String(plan.index).padStart(5, '0')}`
  const runId = mainRunId(plan)
  const inputs = suiteInputs(rollout.topology, rollout.image, TRIAL_INPUTS)
  const main = await killedDeploy(url, plan, inputs, githubRun(runId, `${caller}-main`))
  const killed = main.run.signal === 'SIGKILL'
  const killedIn = killed
    ? (await routeTags(url, rollout.topology))[tag('phase')] || 'discovery'
    : 'not killed'
  const trial: KillTrial = {
    plan,
    killedIn,
    ...(main.during ? { killedDuring: main.during } : {}),
    killedAt: main.at,
    ...(found ? { scaling: { found } } : {}),
    problems: []
  }
  if (plan.post) {
    trial.post = await runAction(inputs, {
      endpoint: url,
      env: githubRun(runId, `${caller}-post`),
      state: main.run.state
    })
  }
  if (plan.next) {
    // an abort does not wait for anyone; a deploy or promote waits until the dead run is stale
    if (plan.next !== 'abort') await sleep(Math.max(0, main.at + STALE_WAIT_MS - Date.now()))
    trial.next = await runAction(nextInputs(rollout, plan.next), {
      endpoint: url,
      env: githubRun(runId + 1, `${caller}-next`)
    })
  }
  const calls = await control<CallRecord[]>(
    url,
    'GET',
    `calls?userAgent=${encodeURIComponent(`app/${caller}-`)}`
  )
  trial.problems = await judgeTrial(url, rollout, trial, calls)
  return trial
}

/**
 * What is unsafe about how the trial ended: weight on more than one side or on a side with an
 * unhealthy or missing task, tags that say a rollout is under way when it is not (or contradict
 * the traffic), a next deploy that did not do its job, a call the IAM policy denies.
 */
export async function judgeTrial(
  url: string,
  rollout: PlannedRollout,
  trial: KillTrial,
  calls: CallRecord[]
): Promise<string[]> {
  const t = rollout.topology
  const label = trialWords(trial)
  const problems: string[] = []
  const end = await readEndState(url, t)
  if (end.unsafe) problems.push(`${label} ended unsafe: ${end.unsafe}`)
  const onlySide = Object.entries(end.weights).find(([, weight]) => weight === 100)?.[0]
  if (!end.unsafe && !onlySide) {
    problems.push(`${label} ended unsafe: the traffic is split ${JSON.stringify(end.weights)}`)
  }
  const tags = await routeTags(url, t)
  const phase = tags[tag('phase')]
  const settledSide = (forward: boolean) =>
    tags[tag(forward ? 'idle-target-group' : 'live-target-group')]
  if (phase === undefined) {
    trial.ending = 'settled'
    if (onlySide && onlySide !== t.targetGroups.blue) {
      problems.push(`${label} ended unsafe: the traffic moved to green and no state says why`)
    }
  } else if (SETTLED.includes(phase)) {
    trial.ending = 'settled'
    if (onlySide && settledSide(phase === 'promoted' || phase === 'rolled-back') !== onlySide) {
      problems.push(`${label} ended unsafe: the tags say ${phase} but the traffic is elsewhere`)
    }
  } else if (leftOpen(trial, tags, calls) && openSides(phase, tags).includes(onlySide ?? '')) {
    // the dead run's own record, and nothing since changed AWS but the post step's return of
    // the traffic: it says which run stopped in which phase, and the next run settles it
    trial.ending = 'left open'
  } else {
    problems.push(
      `${label} ended unsafe: the tags say ${phase} (run ${tags[tag('run-id')] || '?'}, ` +
        `heartbeat ${tags[tag('heartbeat')] || '?'}) with the traffic ` +
        JSON.stringify(end.weights)
    )
  }
  if (trial.plan.next === 'deploy' && trial.next) {
    const result = trial.next.outputs.result || 'unknown'
    const expected = rollout.kind === 'good' ? ['promoted', 'unchanged'] : ['reverted']
    if (!expected.includes(result)) {
      const why = trial.next.outputs.reason ?? /^::error::(.*)$/m.exec(trial.next.stdout)?.[1]
      problems.push(`${label}: the next deploy ended ${result} (${why ?? 'no reason'})`)
    }
  }
  if (trial.scaling) {
    const live = onlySide === t.targetGroups.blue ? 'blue' : 'green'
    const safe = !end.unsafe && onlySide !== undefined
    problems.push(...(await judgeScaling(url, t, trial, tags, safe ? live : undefined)))
  }
  const values = placeholdersOf(suiteInputs(t, rollout.image))
  if (values) problems.push(...policyProblems(calls, values).map((p) => `${label}: ${p}`))
  return problems
}

/**
 * What a user would find wrong with the pair's auto scaling once the trial is over. With no
 * rollout in flight (the tags settled, all traffic on `live`): both scalable targets as found, or
 * handed over to `live`. With the dead run's record still open, its scaling as found is what the
 * next run will put back: the record must say what the trial registered. Not judged when the
 * traffic is unsafe (that is the problem then) or split.
 */
async function judgeScaling(
  url: string,
  t: Topology,
  trial: KillTrial,
  tags: Record<string, string>,
  live: 'blue' | 'green' | undefined
): Promise<string[]> {
  const scaling = trial.scaling
  if (!scaling || !live || !trial.ending) return []
  const label = trialWords(trial)
  if (trial.ending === 'left open') {
    scaling.ending = 'in flight'
    const recorded = tags[tag('scaling')] ?? ''
    const wanted = recordedWords(scaling.found, 'blue')
    return recorded === wanted
      ? []
      : [`${label}: the open record says auto scaling was found "${recorded}", not "${wanted}"`]
  }
  const now = await readPairScaling(url, t)
  // a settled record that promoted (or rolled back) is the only way the traffic is on blue with
  // the scaling handed over: promoted to green and back by the next deploy
  const promoted = ['promoted', 'rolled-back'].includes(tags[tag('phase')] ?? '')
  const desired = await desiredCounts(url, t)
  scaling.ending = scalingEnding(scaling.found, now, live, desired, promoted)
  if (scaling.ending !== 'wrong') return []
  const wanted = live === 'blue' && !promoted ? 'as found' : `handed over to ${t.services[live]}`
  return [
    `${label}: auto scaling is not ${wanted} with all traffic on ${t.services[live]}: ` +
      `found ${pairWords(t, scaling.found)}; ended ${pairWords(t, now)}`
  ]
}

/**
 * Where all traffic may be while a dead run's record is open: on the side that was live, or on
 * the new side once the record says it was promoted, or shifting to 100% (the run was killed
 * after that shift, or after it baked and promoted but before it wrote so).
 */
function openSides(phase: string, tags: Record<string, string>): string[] {
  const live = tags[tag('live-target-group')] ?? ''
  const idle = tags[tag('idle-target-group')] ?? ''
  if (phase === 'scale-down') return [idle]
  const steps = (tags[tag('steps')] ?? '').split(' ')
  const toFull = phase === 'shift' && steps[Number(tags[tag('step')])] === '100'
  return toFull ? [live, idle] : [live]
}

/**
 * The record is the killed run's, untouched since its death, and the next command (if any)
 * changed nothing: a refusal (a promote of a rollout that had not started changing anything, an
 * abort of a promoted one) leaves AWS as it found it, the tags included.
 */
function leftOpen(trial: KillTrial, tags: Record<string, string>, calls: CallRecord[]): boolean {
  const heartbeat = Date.parse(tags[tag('heartbeat')] ?? '')
  const changedByNext = calls.some(
    (call) => call.userAgent.includes('-next') && call.mutating && call.error === null
  )
  return (
    trial.killedIn !== 'not killed' &&
    tags[tag('run-id')] === String(mainRunId(trial.plan)) &&
    heartbeat <= trial.killedAt &&
    !changedByNext
  )
}

/** How it ended: the next command's result (`refused`: failed without one), or the post step's. */
function endedWith(trial: KillTrial): string {
  const { next, post } = trial
  if (next) {
    const result = next.outputs.result
    if (result && result !== 'unchanged') return result
    return next.exitCode === 0 ? 'unchanged' : 'refused'
  }
  if (!post) return 'nothing'
  if (post.exitCode !== 0) return 'post failed'
  return /all traffic was returned/.test(post.stdout) ? 'traffic returned' : 'nothing to return'
}

/** Trials by where they were killed and what ran next, as counts. */
export function killCounts(trials: KillTrial[]): Record<string, number> {
  const counts: Record<string, number> = {
    trials: trials.length,
    killed: trials.filter((t) => t.killedIn !== 'not killed').length,
    safe: trials.filter((t) => t.problems.length === 0).length,
    unsafe: trials.filter((t) => t.problems.length > 0).length,
    'state settled': trials.filter((t) => t.ending === 'settled').length,
    'state left open': trials.filter((t) => t.ending === 'left open').length,
    'with auto scaling': trials.filter((t) => t.plan.scaled).length,
    'auto scaling as found': trials.filter((t) => t.scaling?.ending === 'as found').length,
    'auto scaling handed over': trials.filter((t) => t.scaling?.ending === 'handed over').length
  }
  const add = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1
  }
  for (const trial of trials) {
    add(
      trial.killedIn === 'not killed' ? 'finished before the kill' : `killed in ${trial.killedIn}`
    )
  }
  for (const trial of trials) add(`${thenWords(trial.plan)} -> ${endedWith(trial)}`)
  return counts
}

/** A table: kill phase down, what ran next across, safe/all in each cell. */
export function killTable(trials: KillTrial[]): string {
  const then = (t: KillTrial): string => thenWords(t.plan)
  const rows = [...new Set(trials.map((t) => t.killedIn))].sort()
  const columns = [...new Set(trials.map(then))].sort()
  const width = Math.max(14, ...rows.map((r) => r.length + 2))
  const cell = (row: string, column: string): string => {
    const here = trials.filter((t) => t.killedIn === row && then(t) === column)
    const safe = here.filter((t) => t.problems.length === 0).length
    return here.length === 0 ? '-' : `${safe}/${here.length}`
  }
  const lines = [`${'killed in'.padEnd(width)}${columns.map((c) => c.padStart(14)).join('')}`]
  for (const row of rows) {
    lines.push(`${row.padEnd(width)}${columns.map((c) => cell(row, c).padStart(14)).join('')}`)
  }
  return `${lines.join('\n')}\n(safe/trials in each cell)`
}

export async function runKillSuite(
  options: KillSuiteOptions
): Promise<SuiteReport & { trials: KillTrial[] }> {
  const { url, trials, seed } = options
  const log = options.log ?? (() => {})
  const started = Date.now()
  const name = `k${seed}x`
  const plans = planKills(trials, seed)
  log(`kill: building ${trials} pairs, ${plans.filter((p) => p.scaled).length} with auto scaling`)
  const pairs = await pool(plans, 4, async (plan) => {
    const rollout = await planRollout(url, name, plan.index, plan.kind)
    const found = plan.scaled
      ? await scalePair(url, rollout.topology, SUITE_DESIRED_COUNT, { policy: true })
      : undefined
    return { rollout, found }
  })
  log(`kill: ${trials} trials, ${options.concurrency ?? 5} at once`)
  const done = await pool(plans, options.concurrency ?? 5, async (plan, i) => {
    const { rollout, found } = pairs[i] as (typeof pairs)[number]
    const trial = await runKillTrial(url, name, rollout, plan, found)
    log(`  ${trialWords(trial)}: ${trial.problems.length === 0 ? 'safe' : 'UNSAFE'}`)
    return trial
  })
  const violations = await suiteViolations(url, name)
  const report = {
    suite: 'kill',
    counts: { ...killCounts(done), violations: violations.length },
    problems: done.flatMap((t) => t.problems),
    violations,
    wallMs: Date.now() - started,
    trials: done
  }
  log(killTable(done))
  log(formatReport(report))
  return report
}
