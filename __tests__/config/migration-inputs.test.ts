import { InputError } from '../../src/rollout/errors.js'
import { scratchWorkspace, settingsWith } from './inputs.js'

describe('migration-command and migration-container', () => {
  it('splits words as the render action does, or takes a JSON array as it is', () => {
    expect(settingsWith({ 'migration-command': ' npm  run\nmigrate ' }).migration).toEqual({
      command: ['npm', 'run', 'migrate']
    })
    expect(
      settingsWith({
        'migration-command': '["sh", "-c", "rake db:migrate && echo done"]',
        'migration-container': 'web'
      }).migration
    ).toEqual({ command: ['sh', '-c', 'rake db:migrate && echo done'], container: 'web' })
    expect(settingsWith({}).migration).toBeUndefined()
    // only a deploy reads them
    expect(
      settingsWith({ command: 'rollback', 'migration-command': 'npm run migrate' }).migration
    ).toBeUndefined()
  })

  it.each([
    [{ 'migration-container': 'web' }, 'migration-container', /migration-command is not set/],
    [{ 'migration-command': '["npm", 1]' }, 'migration-command', /not a non-empty JSON array/],
    [{ 'migration-command': '[]' }, 'migration-command', /not a non-empty JSON array/],
    [{ 'migration-command': '[npm run' }, 'migration-command', /starts with '\[' but is not JSON/],
    [{ 'migration-command': 'x'.repeat(9000) }, 'migration-command', /8192 characters/],
    [
      { 'migration-command': 'migrate', 'migration-container': 'we b' },
      'migration-container',
      /is not a container name/
    ]
  ])('refuses %j naming %s', (inputs, input, message) => {
    let caught: unknown
    try {
      settingsWith(inputs)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InputError)
    expect((caught as InputError).input).toBe(input)
    expect((caught as InputError).message).toMatch(message)
  })

  it('checks the container against a task definition file', () => {
    const ws = scratchWorkspace()
    try {
      const path = ws.write('td.json', {
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'nginx' },
          { name: 'worker', image: 'nginx' }
        ]
      })
      const base = { 'task-definition': path, container: 'web', 'migration-command': 'migrate' }
      expect(settingsWith(base, { workspace: ws.dir }).migration).toEqual({ command: ['migrate'] })
      expect(() =>
        settingsWith({ ...base, 'migration-container': 'cron' }, { workspace: ws.dir })
      ).toThrow(
        "Input 'migration-container': task definition 'web' has no container named 'cron'; its containers are 'web', 'worker'"
      )
    } finally {
      ws.remove()
    }
  })
})
