import { stripReadOnlyFields, unwrapTaskDefinitionFile } from '../../src/taskdef/strip.js'
import { describeShape, fileShape } from './examples.js'

describe('stripReadOnlyFields', () => {
  it('drops every field RegisterTaskDefinition refuses, and the wrapper tags', () => {
    const stripped = stripReadOnlyFields({
      ...describeShape(),
      status: 'INACTIVE',
      deregisteredAt: '2026-10-02T12:00:00.000Z',
      tags: [{ key: 'team', value: 'web' }]
    })
    expect(Object.keys(stripped).sort()).toEqual([
      'containerDefinitions',
      'cpu',
      'family',
      'memory',
      'networkMode',
      'placementConstraints',
      'requiresCompatibilities',
      'volumes'
    ])
    expect(stripped.containerDefinitions).toEqual(describeShape().containerDefinitions)
  })

  it('returns a copy that can be edited without touching the original', () => {
    const original = describeShape()
    const stripped = stripReadOnlyFields(original)
    stripped.containerDefinitions[0]!.image = 'changed'
    expect(original.containerDefinitions[0]!.image).toContain('web:1.4.1')
    expect(original.revision).toBe(41)
  })
})

describe('unwrapTaskDefinitionFile', () => {
  it('takes the definition out of what describe-task-definition prints', () => {
    const printed = { taskDefinition: describeShape(), tags: [{ key: 'team', value: 'web' }] }
    expect(unwrapTaskDefinitionFile(printed)).toEqual(describeShape())
  })

  it('leaves a bare definition, and things that are no definition, as they are', () => {
    const bare = fileShape()
    expect(unwrapTaskDefinitionFile(bare)).toBe(bare)
    expect(unwrapTaskDefinitionFile([1])).toEqual([1])
    expect(unwrapTaskDefinitionFile({ taskDefinition: 'web:41' })).toEqual({
      taskDefinition: 'web:41'
    })
  })
})
