import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { pool } from '../../scripts/suites/pool.js'
import {
  callsOf,
  deployInputs,
  run,
  startHarness,
  type Harness,
  type HarnessRun
} from './harness.js'
import {
  anotherLoadBalancerFor,
  deleteService,
  extraTargetGroup,
  forwardTo,
  pairFor,
  ruleOfAnotherListener,
  scaleTo,
  setDefaultActions,
  setWeights,
  twinsOnOneTargetGroup
} from './hostile-topologies.js'

/*
 * Bad input and hostile topologies, each through the bundled action against one emulator: every
 * case must fail with a message that names the input (or what is wrong with the topology), and
 * the run must make no mutating AWS call. The runs go a few at a time; each is told apart in the
 * call log by the id in its User-Agent.
 */

interface Case {
  name: string
  /** the inputs to deploy with, built on the shared good pair or on a pair bent for the case */
  inputs: () => Promise<Record<string, string>>
  /** what the error must say */
  says: RegExp
}

let h: Harness
let good: Topology
let files: string

const OTHER_ACCOUNT = '210987654321'
const ARN_REGION = (arn: string) => arn.replace(':us-east-1:', ':eu-west-1:')
const ARN_ACCOUNT = (arn: string) => arn.replace(':123456789012:', `:${OTHER_ACCOUNT}:`)

/** A task definition file for the case, in a folder of the test's own. */
function file(name: string, content: string): string {
  const path = join(files, name)
  writeFileSync(path, content)
  return path
}

const container = (name: string) => ({ name, image: 'registry.example.com/app:1.0.0' })
const definition = (containers: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ family: 'app', containerDefinitions: containers, ...extra })

/** A case on the shared good pair with some inputs changed. */
function input(name: string, overrides: () => Record<string, string>, says: RegExp): Case {
  return { name, inputs: async () => deployInputs(good, overrides()), says }
}

/** A case on a pair of its own, bent by `bend`, which may return inputs to change as well. */
function topology(
  name: string,
  bend: (t: Topology) => Promise<Record<string, string> | void>,
  says: RegExp,
  options: Parameters<typeof pairFor>[1] = {}
): Case {
  return {
    name,
    inputs: async () => {
      const t = await pairFor(h.url, options)
      return deployInputs(t, (await bend(t)) ?? {})
    },
    says
  }
}

const CASES: Case[] = [
  // the command and the pair
  input('an unknown command', () => ({ command: 'deploy-now' }), /Input 'command'/),
  input('no cluster', () => ({ cluster: '' }), /Input 'cluster'.*required/),
  input('a cluster name with a space', () => ({ cluster: 'my cluster' }), /Input 'cluster'/),
  input(
    'a cluster ARN of another service',
    () => ({ cluster: 'arn:aws:s3:::my-bucket' }),
    /Input 'cluster'/
  ),
  input(
    'a cluster ARN of another region',
    () => ({ cluster: `arn:aws:ecs:eu-west-1:123456789012:cluster/${good.cluster}` }),
    /Input 'cluster'.*region/
  ),
  input(
    'a cluster ARN with a malformed account',
    () => ({ cluster: `arn:aws:ecs:us-east-1:12345:cluster/${good.cluster}` }),
    /Input 'cluster'.*account/
  ),
  input('one service', () => ({ services: good.services.blue }), /Input 'services'.*one service/),
  input('three services', () => ({ services: 'a,b,c' }), /Input 'services'.*3 services/),
  input(
    'the same service twice',
    () => ({ services: `${good.services.blue},${good.services.blue}` }),
    /Input 'services'.*twice/
  ),
  input(
    'a service ARN of another cluster',
    () => ({
      services: `arn:aws:ecs:us-east-1:123456789012:service/other/${good.services.blue},${good.services.green}`
    }),
    /Input 'services'.*cluster/
  ),
  input(
    'a service ARN of another region',
    () => ({
      services: `arn:aws:ecs:eu-west-1:123456789012:service/${good.cluster}/${good.services.blue},${good.services.green}`
    }),
    /Input 'services'.*region/
  ),
  // the listener
  input('no listener', () => ({ listener: '' }), /Input 'listener'.*required/),
  input('a listener that is not an ARN', () => ({ listener: 'web-listener' }), /Input 'listener'/),
  input(
    'a target group ARN as the listener',
    () => ({ listener: good.targetGroups.blue }),
    /Input 'listener'.*target group/
  ),
  input(
    'a load balancer ARN as the listener',
    () => ({ listener: good.loadBalancerArn }),
    /Input 'listener'.*Load Balancer/
  ),
  input(
    'a Network Load Balancer listener',
    () => ({ listener: good.listenerArn.replace('/app/', '/net/') }),
    /Input 'listener'.*Network Load Balancer/
  ),
  input(
    'a listener ARN of another region',
    () => ({ listener: ARN_REGION(good.listenerArn) }),
    /Input 'listener'.*region/
  ),
  input(
    'a listener ARN with a short id',
    () => ({ listener: good.listenerArn.slice(0, -2) }),
    /Input 'listener'.*well-formed/
  ),
  // the release
  input('no image', () => ({ image: '' }), /Input 'image'/),
  input(
    'an image with an uppercase repository',
    () => ({ image: 'registry.example.com/App:2' }),
    /Input 'image'.*lowercase/
  ),
  input('an image with a space', () => ({ image: 'app:2 latest' }), /Input 'image'.*whitespace/),
  input(
    'an image with a malformed digest',
    () => ({ image: 'app@sha256:abc' }),
    /Input 'image'.*digest/
  ),
  input('an environment line without =', () => ({ environment: 'DEBUG' }), /Input 'environment'/),
  input(
    'an environment key set twice',
    () => ({ environment: 'A=1\nA=2' }),
    /Input 'environment'.*again/
  ),
  input(
    'a task definition file that does not exist',
    () => ({ 'task-definition': join(files, 'missing.json') }),
    /Input 'task-definition'.*does not exist/
  ),
  input(
    'a task definition file that is not JSON',
    () => ({ 'task-definition': file('yaml.json', 'family: app\ncontainerDefinitions: []\n') }),
    /Input 'task-definition'.*not valid JSON/
  ),
  input(
    'a task definition file with a trailing comma',
    () => ({ 'task-definition': file('comma.json', '{"family": "app",}') }),
    /Input 'task-definition'.*not valid JSON.*line 1/
  ),
  input(
    'a task definition file holding a list',
    () => ({ 'task-definition': file('list.json', '[]') }),
    /Input 'task-definition'.*an array/
  ),
  input(
    'a task definition with 11 containers',
    () => ({
      'task-definition': file(
        'eleven.json',
        definition(Array.from({ length: 11 }, (_, i) => container(`c${i}`)))
      )
    }),
    /Input 'task-definition'.*11 containers.*at most 10/
  ),
  input(
    'a task definition with no containers',
    () => ({ 'task-definition': file('none.json', definition([])) }),
    /Input 'task-definition'.*at least one container/
  ),
  input(
    'a task definition without a family',
    () => ({
      'task-definition': file('nofamily.json', JSON.stringify({ containerDefinitions: [] }))
    }),
    /Input 'task-definition'.*family/
  ),
  input(
    'a task definition with two containers of one name',
    () => ({
      'task-definition': file('twice.json', definition([container('web'), container('web')]))
    }),
    /Input 'task-definition'.*two containers named/
  ),
  input(
    'two containers and no container input',
    () => ({
      'task-definition': file('two.json', definition([container('web'), container('proxy')]))
    }),
    /Input 'container'.*2 containers/
  ),
  input(
    'a container the file does not have',
    () => ({
      'task-definition': file('one.json', definition([container('web')])),
      container: 'api'
    }),
    /Input 'container'.*no container named 'api'/
  ),
  // the rollout
  input(
    'weights that go down',
    () => ({ 'traffic-steps': '50,10,100' }),
    /Input 'traffic-steps'.*increase/
  ),
  input(
    'weights that never reach 100',
    () => ({ 'traffic-steps': '10,50' }),
    /Input 'traffic-steps'.*not 100/
  ),
  input(
    'a weight over 100',
    () => ({ 'traffic-steps': '10,150' }),
    /Input 'traffic-steps'.*neither a weight/
  ),
  input(
    'a weight of 0',
    () => ({ 'traffic-steps': '0,100' }),
    /Input 'traffic-steps'.*neither a weight/
  ),
  input(
    'two pauses in a row',
    () => ({ 'traffic-steps': '10,pause,pause,100' }),
    /Input 'traffic-steps'.*two pauses/
  ),
  input('a step-wait without a unit', () => ({ 'step-wait': '30' }), /Input 'step-wait'/),
  input(
    'a timeout shorter than the bakes',
    () => ({ 'step-wait': '1m', timeout: '2m' }),
    /Input 'timeout'.*baking/
  ),
  input('a poll interval of 10ms', () => ({ 'poll-interval': '10ms' }), /Input 'poll-interval'/),
  input(
    'a scale-down delay that is not a duration',
    () => ({ 'scale-down-delay': 'later' }),
    /Input 'scale-down-delay'/
  ),
  input('dry-run yes', () => ({ 'dry-run': 'yes' }), /Input 'dry-run'/),
  // what is in AWS
  input(
    'a listener ARN of another account',
    () => ({ listener: ARN_ACCOUNT(good.listenerArn) }),
    /Input 'listener'.*210987654321.*was not found/
  ),
  input(
    'a listener that was deleted',
    () => ({ listener: good.listenerArn.replace(/[0-9a-f]{16}$/, '0123456789abcdef') }),
    /Input 'listener'.*0123456789abcdef was not found/
  ),
  input(
    'a listener rule that does not exist',
    () => ({
      listener: `${good.listenerArn.replace(':listener/', ':listener-rule/')}/0123456789abcdef`
    }),
    /Input 'listener'.*listener-rule.*was not found/
  ),
  input(
    'a cluster that does not exist',
    () => ({ cluster: 'no-such-cluster' }),
    /Input 'cluster': cluster no-such-cluster was not found/
  ),
  input(
    'a cluster ARN of another account',
    () => ({ cluster: `arn:aws:ecs:us-east-1:${OTHER_ACCOUNT}:cluster/${good.cluster}` }),
    /Input 'cluster'.*210987654321.*was not found/
  ),
  input(
    'a service that does not exist',
    () => ({ services: `${good.services.blue},no-such-service` }),
    /service no-such-service was not found/
  ),
  topology(
    'a listener forwarding to three target groups',
    async (t) => {
      const third = await extraTargetGroup(h.url, `${t.cluster.replace(/-cluster$/, '')}-third`)
      await setDefaultActions(h.url, t, [
        forwardTo([
          [t.targetGroups.blue, 100],
          [t.targetGroups.green, 0],
          [third, 0]
        ])
      ])
    },
    /forwards to 3 target groups.*expected exactly 2/
  ),
  topology(
    "a listener forwarding to blue alone, green's target group on another load balancer",
    async (t) => {
      await setDefaultActions(h.url, t, [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }])
      await anotherLoadBalancerFor(h.url, t, t.targetGroups.green)
    },
    /-green of .*-green is used by another load balancer .*; a target group serves one load balancer only/
  ),
  topology(
    "a listener forwarding to blue and a group that is not green's",
    async (t) => {
      const stray = await extraTargetGroup(h.url, `${t.cluster.replace(/-cluster$/, '')}-stray`)
      await setDefaultActions(h.url, t, [
        forwardTo([
          [t.targetGroups.blue, 100],
          [stray, 0]
        ])
      ])
    },
    /forwards to .*-blue and .*-stray, but .*-green to .*-green.*exactly the target group of each service/
  ),
  topology(
    'a listener that answers with a fixed response',
    (t) =>
      setDefaultActions(h.url, t, [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }
      ]),
    /has no forward action \(found: fixed-response\)/
  ),
  topology(
    'a listener that redirects',
    (t) =>
      setDefaultActions(h.url, t, [
        {
          Type: 'redirect',
          RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }
        }
      ]),
    /has no forward action \(found: redirect\)/
  ),
  topology(
    'a rule ARN of another listener',
    async (t) => ({ listener: await ruleOfAnotherListener(h.url, t) }),
    /listener rule .* forwards to .*-other-a and .*-other-b, but/
  ),
  topology(
    'both services on one target group',
    async (t) => ({ services: (await twinsOnOneTargetGroup(h.url, t)).join(',') }),
    /are both attached to .*-blue; each service of the pair needs its own target group/
  ),
  topology(
    'a live service being deleted (DRAINING)',
    (t) => deleteService(h.url, t, t.services.blue),
    /service .*-blue is DRAINING; expected an ACTIVE service/,
    { wait: true, deregistrationDelaySeconds: 3600 }
  ),
  topology(
    'an idle service that was deleted (INACTIVE)',
    async (t) => {
      await deleteService(h.url, t, t.services.green)
      // ECS turns a service with no tasks from DRAINING to INACTIVE on its next step
      await new Promise((resolve) => setTimeout(resolve, 200))
    },
    /service .*-green is INACTIVE; expected an ACTIVE service/
  ),
  topology(
    'a live side scaled to 0',
    (t) => scaleTo(h.url, t, t.services.blue, 0),
    /-blue carries all traffic but has desiredCount 0/
  ),
  topology(
    'a rollout left half done (60/40)',
    (t) => setWeights(h.url, t, 60, 40),
    /an unfinished rollout: 60% on .*-blue, 40% on .*-green/
  ),
  topology(
    'weights that do not sum to 100 (999/1)',
    (t) => setWeights(h.url, t, 999, 1),
    /an unfinished rollout: 100% on .*-blue, 0% on .*-green.*command: abort/
  ),
  topology(
    'weight 0 on both sides',
    (t) => setWeights(h.url, t, 0, 0),
    /weight 0 on both, so neither side is live/
  ),
  topology(
    'a live revision with two containers and no container input',
    async () => {},
    /Input 'container'.*2 containers/,
    { twoContainers: true }
  )
]

/** The `::error::` line of a run, unescaped as GitHub shows it. */
function errorLine(r: HarnessRun): string {
  const line = /^::error::(.*)$/m.exec(r.stdout)?.[1]
  if (line === undefined)
    return `(no error line; exit ${r.exitCode}; stderr: ${r.stderr.slice(0, 300)})`
  return line.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

const results = new Map<string, { run: HarnessRun; error: string; mutating: string[] }>()

beforeAll(async () => {
  h = await startHarness()
  files = mkdtempSync(join(tmpdir(), 'hostile-'))
  good = await pairFor(h.url)
  await pool(CASES, 4, async (c) => {
    const r = await run(h, await c.inputs())
    const error = errorLine(r)
    const mutating = (await callsOf(h, r.caller)).filter((x) => x.mutating).map((x) => x.operation)
    results.set(c.name, { run: r, error, mutating })
  })
}, 120_000)

afterAll(async () => {
  await h.emulator.stop()
  rmSync(files, { recursive: true, force: true })
})

describe('bad input and hostile topologies through the bundled action', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
  })

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: refused clearly, nothing changed',
    (name, c) => {
      const result = results.get(name)!
      expect({ exit: result.run.exitCode, error: result.error }).toEqual({
        exit: 1,
        error: expect.stringMatching(c.says)
      })
      expect(result.mutating).toEqual([])
      // a refusal is one line a person reads, not a stack trace
      expect(result.error).not.toMatch(/\n\s+at |\[object Object\]|undefined/)
    }
  )
})
