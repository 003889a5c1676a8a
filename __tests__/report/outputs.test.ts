import { actionOutputs } from '../../src/report/outputs.js'
import { PREVIOUS, REVISION, promoted, reverted } from './fixtures.js'

describe('actionOutputs', () => {
  it('names each output as action.yml does', () => {
    expect(actionOutputs(reverted())).toEqual({
      result: 'reverted',
      'task-definition-arn': REVISION,
      'previous-task-definition-arn': PREVIOUS,
      'live-service': 'web-blue',
      'idle-service': 'web-green',
      reason: 'tasks of web-green stopped while at 10%'
    })
  })

  it('leaves out outputs without a value, so a workflow can test them against empty', () => {
    const outputs = actionOutputs(
      promoted({ reason: '  ', previousTaskDefinitionArn: '', idleService: undefined })
    )
    expect(Object.keys(outputs).sort()).toEqual(['live-service', 'result', 'task-definition-arn'])
  })

  it('sets the preview URL of a preview', () => {
    const outputs = actionOutputs({ result: 'promoted', previewUrl: 'https://pr-7.example.com' })
    expect(outputs).toEqual({ result: 'promoted', 'preview-url': 'https://pr-7.example.com' })
  })
})
