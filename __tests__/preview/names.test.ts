import { describe, expect, it } from '@jest/globals'
import {
  previewEnvironment,
  previewNames,
  prOfServiceName,
  type PreviewEnvironment
} from '../../src/preview/names.js'
import { freePriority } from '../../src/preview/rule.js'

const env = (services: [string, string], cluster = 'production'): PreviewEnvironment =>
  previewEnvironment({ cluster, services })

/** AWS's rule for target group names. */
const TARGET_GROUP_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/

describe('preview names', () => {
  it('are readable: the pair, the PR and a short hash', () => {
    const names = previewNames(env(['web-blue', 'web-green']), 12)
    expect(names.service).toMatch(/^web-pr12-[0-9a-f]{8}$/)
    expect(names.targetGroup).toBe(names.service)
    expect(names.family).toBe(names.service)
    expect(names.environment).toBe('pr-12')
  })

  it('stay the same whichever side is live and however the pair is written', () => {
    const a = previewNames(env(['web-blue', 'web-green']), 12)
    const b = previewNames(env(['web-green', 'web-blue']), 12)
    const c = previewNames(
      env(['web-green', 'web-blue'], 'arn:aws:ecs:us-east-1:123456789012:cluster/production'),
      12
    )
    expect(b).toEqual(a)
    expect(c).toEqual(a)
  })

  it('never collide between PRs, nor between pairs with the same PR number', () => {
    const prs = [1, 11, 111, 12, 21, 2_147_483_647]
    const names = prs.map((pr) => previewNames(env(['web-blue', 'web-green']), pr).targetGroup)
    expect(new Set(names).size).toBe(prs.length)
    const pairs: [string, string][] = [
      ['web-blue', 'web-green'],
      ['web-b', 'web-g'],
      ['web-blue', 'web-canary']
    ]
    const samePr = pairs.map((pair) => previewNames(env(pair), 7).targetGroup)
    samePr.push(previewNames(env(['web-blue', 'web-green'], 'staging'), 7).targetGroup)
    expect(new Set(samePr).size).toBe(samePr.length)
  })

  it('fit AWS limits for any service names and PR numbers', () => {
    const long = 'a_very-long_service-name-'.repeat(10).slice(0, 250)
    for (const services of [
      [`${long}-blue`, `${long}-green`],
      ['_-_blue', '_-_green'],
      ['blue', 'green'],
      ['x', 'y']
    ] as [string, string][]) {
      for (const pr of [1, 9_999_999_999]) {
        const names = previewNames(env(services), pr)
        expect(names.targetGroup).toMatch(TARGET_GROUP_NAME)
        expect(names.service).toMatch(SERVICE_NAME)
        expect(names.targetGroup).toContain(`pr${pr}-`)
        expect(names.service).toContain(`pr${pr}-`)
      }
    }
  })

  it('give the PR back from a service name of the same pair only', () => {
    const own = env(['web-blue', 'web-green'])
    const other = env(['api-blue', 'api-green'])
    expect(prOfServiceName(previewNames(own, 345).service, own)).toBe(345)
    expect(prOfServiceName(previewNames(other, 345).service, own)).toBeUndefined()
    expect(prOfServiceName('web-blue', own)).toBeUndefined()
    expect(prOfServiceName(`x${previewNames(own, 3).service}`, own)).toBeUndefined()
  })
})

describe('free priority', () => {
  it('is the first untaken one from the start, wrapping around the range', () => {
    const range = { min: 10, max: 14 }
    expect(freePriority(range, new Set([12, 13]), 12)).toBe(14)
    expect(freePriority(range, new Set([12, 13, 14]), 12)).toBe(10)
    expect(freePriority(range, new Set([10, 11, 12, 13, 14]), 12)).toBeUndefined()
  })
})
