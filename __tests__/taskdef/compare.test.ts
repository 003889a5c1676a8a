import type { TaskDefinition } from '../../src/rollout/ports.js'
import { diffTaskDefinitions, sameTaskDefinition } from '../../src/taskdef/compare.js'
import { renderTaskDefinition } from '../../src/taskdef/render.js'
import { describeShape, fileShape } from './examples.js'

const LIVE_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.1'

function withWeb(definition: TaskDefinition, change: (web: Record<string, unknown>) => void) {
  const copy = structuredClone(definition)
  change(copy.containerDefinitions[0]!)
  return copy
}

describe('sameTaskDefinition', () => {
  it('finds the live revision equal to itself re-rendered with its own image', () => {
    const live = describeShape()
    const rendered = renderTaskDefinition(live, {
      container: 'web',
      image: LIVE_IMAGE,
      environment: [{ name: 'LOG_LEVEL', value: 'info' }]
    })
    expect(sameTaskDefinition(live, rendered)).toBe(true)
  })

  it('sees an image change', () => {
    const live = describeShape()
    const rendered = renderTaskDefinition(live, {
      container: 'web',
      image: 'web:2',
      environment: []
    })
    expect(sameTaskDefinition(live, rendered)).toBe(false)
  })

  it('sees an environment value change', () => {
    const changed = withWeb(fileShape(), (web) => {
      web['environment'] = [{ name: 'LOG_LEVEL', value: 'debug' }]
    })
    expect(sameTaskDefinition(fileShape(), changed)).toBe(false)
  })

  it('ignores key order, nulls, empty arrays and objects, and environment order', () => {
    const file = fileShape()
    const echoed = withWeb(file, (web) => {
      web['mountPoints'] = []
      web['volumesFrom'] = []
      web['healthCheck'] = null
      web['dockerLabels'] = {}
      web['environment'] = [...(web['environment'] as unknown[])].reverse()
    })
    const reordered = Object.fromEntries(Object.entries(echoed).reverse()) as TaskDefinition
    expect(sameTaskDefinition(file, { ...reordered, volumes: [], revision: 3 })).toBe(true)
  })
})

describe('diffTaskDefinitions', () => {
  it('is empty when nothing changes', () => {
    const live = describeShape()
    const same = renderTaskDefinition(live, {
      container: 'web',
      image: LIVE_IMAGE,
      environment: []
    })
    expect(diffTaskDefinitions(live, same)).toBe('')
  })

  it('shows the image change as a -/+ pair with context', () => {
    const live = describeShape()
    const next = renderTaskDefinition(live, { container: 'web', image: 'web:2', environment: [] })
    const lines = diffTaskDefinitions(live, next).split('\n')
    expect(lines).toContain(`-       "image": "${LIVE_IMAGE}",`)
    expect(lines).toContain('+       "image": "web:2",')
    expect(lines.some((line) => line.startsWith('  '))).toBe(true)
    expect(lines.filter((line) => /^[-+]/.test(line))).toHaveLength(2)
  })

  it('never prints environment values or secret references, but shows that they changed', () => {
    const before = fileShape()
    const after = withWeb(before, (web) => {
      web['environment'] = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DATABASE_URL', value: 'postgres://app:s3cret-rotated@db/web' },
        { name: 'FEATURE_TOKEN', value: 'tok_live_abc' }
      ]
      web['secrets'] = [
        {
          name: 'API_KEY',
          valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:web-key'
        }
      ]
    })
    const diff = diffTaskDefinitions(before, after)
    for (const secret of [
      'hunter2',
      's3cret-rotated',
      'tok_live_abc',
      'parameter/web',
      'web-key',
      'info'
    ]) {
      expect(diff).not.toContain(secret)
    }
    expect(diff).toContain('+           "value": "*** (changed)"')
    expect(diff).toContain('+           "name": "FEATURE_TOKEN",')
    expect(diff).toContain('+           "valueFrom": "*** (changed)"')
  })

  it('marks a changed value even when an entry was added before it', () => {
    const before = fileShape()
    const after = withWeb(before, (web) => {
      web['environment'] = [
        { name: 'AAA_FIRST', value: 'new' },
        { name: 'DATABASE_URL', value: 'other' },
        { name: 'LOG_LEVEL', value: 'info' }
      ]
    })
    const changed = diffTaskDefinitions(before, after)
      .split('\n')
      .filter((line) => line.includes('(changed)'))
    expect(changed).toHaveLength(1)
  })
})
