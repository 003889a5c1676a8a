/**
 * Runner minutes through the bundled action: a promotion whose scale-down is due in 5m ends at
 * promotion and leaves the old side warm with its due time on record; `command: tidy` scales it
 * down once due (the test moves the due time into the past, as the clock would); keep-revisions
 * deregisters the family's older revisions after the next promotion, never the previous one.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import {
  addRouteTags,
  mutationsOf,
  pairTopology,
  routeTags,
  runEnv,
  side
} from './durable-world.js'
import { deployInputs, run, startHarness } from './harness.js'
import { clientConfig } from '../helpers/emulator.js'

const harness = startHarness()
afterAll(async () => (await harness).emulator.stop())

async function activeRevisions(url: string, family: string): Promise<string[]> {
  const ecs = new ECSClient(clientConfig(url))
  try {
    const out = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC' })
    )
    return (out.taskDefinitionArns ?? []).map((arn) => arn.split('/').at(-1) ?? arn)
  } finally {
    ecs.destroy()
  }
}

describe('runner minutes', () => {
  it('leaves a 5m scale-down to command: tidy, then keep-revisions trims the family', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const started = Date.now()
    const first = await run(
      h,
      deployInputs(t, {
        image: 'registry.example.com/app:2.0.0',
        'scale-down-delay': '5m',
        'keep-revisions': '1'
      }),
      { env: runEnv(901) }
    )
    expect(first.exitCode).toBe(0)
    expect(first.outputs.result).toBe('promoted')
    // the run ended at promotion, not 5 minutes later
    expect(Date.now() - started).toBeLessThan(60_000)
    const due = Date.parse(first.outputs['scale-down-at'] ?? '')
    expect(due).toBeGreaterThan(Date.now() + 4 * 60_000)
    expect(first.stdout).toMatch(
      /Old side: old side \S+-blue scaled to 0 at \d\d:\d\d:\d\d UTC \(in \d+m\d*s?\), by the next run on this listener or command: tidy/
    )
    expect(await side(h, t, 'blue')).toMatchObject({ weight: 0, desired: 2 })
    expect((await routeTags(h, t))['ecs-blue-green:scale-down']).toBe(
      `due ${new Date(due).toISOString()}`
    )

    const tidyInputs = { ...deployInputs(t), command: 'tidy' }
    const early = await run(h, tidyInputs, { env: runEnv(902) })
    expect(early.exitCode).toBe(0)
    expect(early.outputs.result).toBe('unchanged')
    expect(await mutationsOf(h, early)).toEqual([])

    // five minutes on, as far as the record is concerned
    await addRouteTags(h, t, {
      'ecs-blue-green:scale-down': `due ${new Date(Date.now() - 1000).toISOString()}`
    })
    const tidy = await run(h, tidyInputs, { env: runEnv(903) })
    expect(tidy.exitCode).toBe(0)
    expect(tidy.outputs.result).toBe('unchanged')
    expect(await mutationsOf(h, tidy)).toContain('UpdateService')
    expect(await side(h, t, 'blue')).toMatchObject({ weight: 0, desired: 0 })
    expect((await routeTags(h, t))['ecs-blue-green:scale-down']).toMatch(/ done \S+$/)

    // the next promotion: :3 live, :2 previous; :1 goes
    const name = (first.outputs['task-definition-arn'] ?? '')
      .split('/')
      .at(-1)!
      .replace(/:\d+$/, '')
    expect(await activeRevisions(h.url, name)).toEqual([`${name}:2`, `${name}:1`])
    const second = await run(
      h,
      deployInputs(t, { image: 'registry.example.com/app:3.0.0', 'keep-revisions': '1' }),
      { env: runEnv(904) }
    )
    expect(second.outputs.result).toBe('promoted')
    expect(second.stdout).toContain(`Old revisions: deregistered ${name}:1 (keep-revisions: 1)`)
    expect(await activeRevisions(h.url, name)).toEqual([`${name}:3`, `${name}:2`])
  })
})
