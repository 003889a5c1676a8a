import { describe, expect, it } from '@jest/globals'
import { decodeManaged, encodeManaged } from '../../../src/rollout/managed/record.js'

const base = { phase: 'follow', startedAt: 1, ownerToken: 'run-1', heartbeatAt: 2 }

describe('the record of a service that ECS deploys itself, in tags of 256 characters', () => {
  it('keeps a task definition ARN too long for a tag as family:revision, which ECS resolves', () => {
    const family = 'f'.repeat(240)
    const arn = (revision: number) =>
      `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`
    const tags = encodeManaged({ ...base, revision: arn(12), previous: arn(11) })
    expect(Object.values(tags).every((value) => value.length <= 256)).toBe(true)
    expect(decodeManaged(tags)).toMatchObject({
      revision: `${family}:12`,
      previous: `${family}:11`
    })
  })

  it('leaves out a service deployment ARN too long for a tag instead of failing the write', () => {
    const arn = `arn:aws:ecs:us-east-1:123456789012:service-deployment/${'c'.repeat(200)}/${'s'.repeat(100)}/abc`
    const tags = encodeManaged({ ...base, deploymentArn: arn })
    expect(Object.values(tags).every((value) => value.length <= 256)).toBe(true)
    expect(decodeManaged(tags)?.deploymentArn).toBeUndefined()
    expect(decodeManaged(tags)?.phase).toBe('follow')
  })

  it('writes values that fit as they are', () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3'
    expect(decodeManaged(encodeManaged({ ...base, revision: arn }))?.revision).toBe(arn)
  })
})
