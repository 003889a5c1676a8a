import { settingsWith } from '../config/inputs.js'

describe('the inputs of the durable state and the manual commands', () => {
  it('takes stale-after, on-interrupted and straight-to-100 where the command reads them', () => {
    expect(settingsWith({ 'stale-after': '90s', 'on-interrupted': 'resume' })).toMatchObject({
      staleAfterMs: 90_000,
      onInterrupted: 'resume'
    })
    expect(settingsWith({ command: 'promote', 'straight-to-100': 'true' }).straightTo100).toBe(true)
    // a deploy has no use for straight-to-100: it is not read, so not checked either
    expect(settingsWith({ 'straight-to-100': 'perhaps' }).straightTo100).toBeUndefined()
  })

  it.each([
    [{ 'stale-after': 'soon' }, /Input 'stale-after': 'soon' is not a duration/],
    [
      { 'stale-after': '500ms' },
      /Input 'stale-after': '500ms' is out of range; use a duration from 1s to 120h/
    ],
    [
      { 'on-interrupted': 'retry' },
      /Input 'on-interrupted': 'retry' is not valid; use "revert" .* or "resume"/
    ],
    [
      { command: 'promote', 'straight-to-100': 'yes' },
      /Input 'straight-to-100': 'yes' is not a boolean/
    ]
  ])('refuses %j, naming the input', (inputs, message) => {
    expect(() => settingsWith(inputs)).toThrow(message)
  })

  it.each(['abort', 'rollback', 'status'])(
    'lets %s through with a broken image and steps: they are not its inputs',
    (command) => {
      expect(
        settingsWith({ command, image: 'not an image', 'traffic-steps': '50,10' }).command
      ).toBe(command)
    }
  )
})

describe('command: tidy and keep-revisions', () => {
  it('takes tidy as a command that reads neither the image nor the steps', () => {
    expect(
      settingsWith({ command: 'tidy', image: 'not an image', 'traffic-steps': '50,10' }).command
    ).toBe('tidy')
  })

  it('takes keep-revisions on deploy and promote; empty keeps every revision', () => {
    expect(settingsWith({ 'keep-revisions': '5' }).keepRevisions).toBe(5)
    expect(settingsWith({ command: 'promote', 'keep-revisions': '1' }).keepRevisions).toBe(1)
    expect(settingsWith({ 'keep-revisions': '' }).keepRevisions).toBeUndefined()
    // a rollback has no use for it: not read, so not checked either
    expect(settingsWith({ command: 'rollback', 'keep-revisions': 'lots' }).keepRevisions).toBe(
      undefined
    )
  })

  it.each(['0', '-1', '2.5', 'all', '1000001'])(
    'refuses keep-revisions %j, naming the input',
    (value) => {
      expect(() => settingsWith({ 'keep-revisions': value })).toThrow(
        new RegExp(
          `Input 'keep-revisions': '${value.replace('.', '\\.')}' is not valid; use a whole number from 1 to 1000000 .*or leave it empty`
        )
      )
    }
  )
})
