import { outcomeLines } from '../../src/report/log.js'
import { promoted, reverted } from './fixtures.js'

describe('outcomeLines', () => {
  it('ends a promoted run with the revisions, the sides and the way back', () => {
    expect(outcomeLines(promoted())).toEqual([
      'Result: promoted',
      'Revision: web:42 (arn:aws:ecs:us-east-1:123456789012:task-definition/web:42)',
      'Previous revision: web:41 (arn:aws:ecs:us-east-1:123456789012:task-definition/web:41)',
      'Live service: web-green; idle service: web-blue',
      'Old side: web-blue is scaled to 0 in 5m',
      'To go back to the previous revision: run with command: rollback'
    ])
  })

  it('says why a run reverted and how each task stopped', () => {
    const lines = outcomeLines(reverted())
    expect(lines).toContain('Reason: tasks of web-green stopped while at 10%')
    expect(lines).toContain(
      'Stopped task 0a1b2c3d4e: EssentialContainerExited; Essential container in task exited; app: exit 137 (OutOfMemoryError: Container killed)'
    )
    expect(lines).toContain(
      'Stopped task 5f6a7b8c9d: ServiceSchedulerInitiated; Task failed ELB health checks in (target-group tg-green); app: exit 143'
    )
  })

  it('names only a few stopped tasks and points to the summary for the rest', () => {
    const task = reverted().stoppedTasks[0]!
    const lines = outcomeLines(reverted({ stoppedTasks: Array.from({ length: 5 }, () => task) }))
    expect(lines.filter((line) => line.startsWith('Stopped task'))).toHaveLength(3)
    expect(lines).toContain('2 more stopped tasks: see the job summary')
  })

  it('tells a paused run how to continue or go back', () => {
    expect(outcomeLines(promoted({ result: 'paused', scaleDown: undefined })).at(-1)).toBe(
      'To continue: run again with command: promote. To put all traffic back: command: abort'
    )
  })

  it('keeps outside text on its line, so it cannot forge a workflow command', () => {
    const lines = outcomeLines(reverted({ reason: 'boom\n::error::forged\r\n::add-mask::x' }))
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/)
    expect(lines.some((line) => line.startsWith('::'))).toBe(false)
  })

  describe('a dry run', () => {
    const planned = (over = {}) =>
      promoted({
        result: 'planned',
        taskDefinitionArn: undefined,
        scaleDown: undefined,
        taskDefinitionDiff: [
          '  {',
          '    "containerDefinitions": [',
          '-       "image": "registry.example.com/web:1.0.0",',
          '+       "image": "registry.example.com/web:2.0.0",'
        ].join('\n'),
        ...over
      })

    it('prints its plan, numbered, and the task definition diff before what to run next', () => {
      const lines = outcomeLines(planned())
      const from = lines.indexOf('Plan:')
      expect(lines.slice(from)).toEqual([
        'Plan:',
        '  1. scale web-green up to 2 tasks of web:42',
        '  2. shift 10%, 50%, 100% of the traffic to web-green, baking 1m at each',
        'Task definition changes (- live revision, + new revision):',
        '    {',
        '      "containerDefinitions": [',
        '  -       "image": "registry.example.com/web:1.0.0",',
        '  +       "image": "registry.example.com/web:2.0.0",',
        'Dry run: nothing was changed. Run without dry-run to deploy.'
      ])
    })

    it('says so when the rendered definition is the live one', () => {
      expect(outcomeLines(planned({ taskDefinitionDiff: '' }))).toContain(
        'Task definition changes: none (the same as the live revision)'
      )
    })

    it('keeps each diff line on its own line, so a value cannot forge a workflow command', () => {
      const lines = outcomeLines(
        planned({ taskDefinitionDiff: '+ "image": "x\r::error::forged",\n+ ::add-mask::y' })
      )
      for (const line of lines) expect(line).not.toMatch(/[\r\n]/)
      expect(lines.some((line) => line.startsWith('::'))).toBe(false)
    })

    it('is printed only for a dry run', () => {
      expect(outcomeLines(promoted())).not.toContain('Plan:')
    })
  })
})
