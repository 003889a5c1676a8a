import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/rollout/errors.js'
import { LISTENER, RULE, settingsWith } from '../config/inputs.js'

const PREVIEW = { command: 'preview', 'preview-host': 'pr-{number}.preview.example.com' }

function refusal(inputs: Record<string, string>): InputError {
  try {
    settingsWith(inputs, { region: 'us-east-1' })
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('preview inputs', () => {
  it('reads the preview place and address, with the defaults of action.yml', () => {
    const { preview } = settingsWith(PREVIEW)
    expect(preview).toEqual({
      listenerArn: LISTENER,
      host: 'pr-{number}.preview.example.com',
      taskCount: 1,
      priorities: { min: 40000, max: 49999 }
    })
  })

  it('puts the rules on the listener of the listener rule the pair is behind', () => {
    expect(settingsWith({ ...PREVIEW, listener: RULE }).preview?.listenerArn).toBe(LISTENER)
  })

  it('takes every preview input as given', () => {
    const { preview } = settingsWith({
      ...PREVIEW,
      'preview-host': 'PR-{number}.Preview.Example.com',
      'preview-path': '/pr-{number}',
      'preview-base-service': 'web-blue',
      'preview-task-count': '2',
      'preview-rule-priorities': '100-199',
      'pr-number': '42'
    })
    expect(preview).toEqual({
      listenerArn: LISTENER,
      baseService: 'web-blue',
      host: 'pr-{number}.preview.example.com',
      path: '/pr-{number}',
      taskCount: 2,
      priorities: { min: 100, max: 199 },
      prNumber: 42
    })
  })

  it('does not read the rollout inputs a preview has no use for', () => {
    const settings = settingsWith({ ...PREVIEW, 'traffic-steps': 'nonsense', 'step-wait': 'x' })
    expect(settings.preview).toBeDefined()
  })

  it('needs neither an image nor an address to remove previews', () => {
    for (const command of ['preview-destroy', 'preview-gc']) {
      const settings = settingsWith({ command, image: '', 'preview-host': 'not a host' })
      expect(settings.preview?.listenerArn).toBe(LISTENER)
    }
  })

  it('sets no preview settings for the other commands', () => {
    expect(settingsWith({}).preview).toBeUndefined()
  })

  const cases: Record<string, { inputs: Record<string, string>; input: string; says: RegExp }> = {
    'no address': {
      inputs: { command: 'preview' },
      input: 'preview-host',
      says: /is required for command: preview, unless preview-path is set.*\{number\}/
    },
    'one address for every PR': {
      inputs: { ...PREVIEW, 'preview-host': 'preview.example.com' },
      input: 'preview-host',
      says: /has no \{number\}, so every pull request would get the same address/
    },
    'a wildcard host': {
      inputs: { ...PREVIEW, 'preview-host': '*.preview.example.com' },
      input: 'preview-host',
      says: /not a host name pattern.*no wildcard/
    },
    'a URL for a host': {
      inputs: { ...PREVIEW, 'preview-host': 'https://pr-{number}.example.com/' },
      input: 'preview-host',
      says: /not a host name pattern/
    },
    'another placeholder': {
      inputs: { ...PREVIEW, 'preview-host': 'pr-{branch}.example.com' },
      input: 'preview-host',
      says: /placeholder other than \{number\}/
    },
    'a host too long for a rule': {
      inputs: { ...PREVIEW, 'preview-host': `pr-{number}.${'a'.repeat(60)}.${'b'.repeat(60)}.com` },
      input: 'preview-host',
      says: /too long.*at most 128/
    },
    'a path with a trailing slash': {
      inputs: { command: 'preview', 'preview-path': '/pr-{number}/' },
      input: 'preview-path',
      says: /not a path prefix pattern.*no trailing '\/'/
    },
    'a path with a wildcard': {
      inputs: { command: 'preview', 'preview-path': '/pr-{number}/*' },
      input: 'preview-path',
      says: /not a path prefix pattern/
    },
    'priorities out of range': {
      inputs: { ...PREVIEW, 'preview-rule-priorities': '0-60000' },
      input: 'preview-rule-priorities',
      says: /1 to 50000.*e\.g\. "40000-49999"/
    },
    'priorities upside down': {
      inputs: { ...PREVIEW, 'preview-rule-priorities': '500-100' },
      input: 'preview-rule-priorities',
      says: /not a range/
    },
    'no tasks': {
      inputs: { ...PREVIEW, 'preview-task-count': '0' },
      input: 'preview-task-count',
      says: /whole number from 1 to 100/
    },
    'a PR number with a hash': {
      inputs: { ...PREVIEW, 'pr-number': '#12' },
      input: 'pr-number',
      says: /number only/
    },
    'a rule for the preview listener': {
      inputs: { ...PREVIEW, 'preview-listener': RULE },
      input: 'preview-listener',
      says: /is a listener rule; give the listener/
    },
    'a base service of another cluster': {
      inputs: {
        ...PREVIEW,
        'preview-base-service': 'arn:aws:ecs:us-east-1:123456789012:service/staging/web-blue'
      },
      input: 'preview-base-service',
      says: /service of cluster 'staging'/
    }
  }

  it.each(Object.entries(cases))('refuses %s, naming the input', (_, { inputs, input, says }) => {
    const error = refusal(inputs)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(says)
  })
})
