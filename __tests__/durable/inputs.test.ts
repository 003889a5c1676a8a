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
