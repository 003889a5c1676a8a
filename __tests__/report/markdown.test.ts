import { code, codeBlock, escapeMarkdown, table } from '../../src/report/markdown.js'
import { codeSpanText, parseMarkdown, tables } from './gfm-model.js'

/** What a reader sees of escaped text: escapes resolved, entities decoded. */
function shown(markdown: string): string {
  return markdown
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

describe('escapeMarkdown', () => {
  it.each([
    ['<img src=x onerror=alert(1)>'],
    ['**bold** _em_ ~~gone~~ `tick` $x$'],
    ['[click](http://evil) ![img](http://evil/x.png)'],
    ['# heading'],
    ['a | b | c'],
    ['C:\\path\\to\\file'],
    ['AT&T &amp; &#60;'],
    ['- [x] task'],
    ['1. numbered']
  ])('adds no markup to %j and reads back the same', (text) => {
    const escaped = escapeMarkdown(text)
    const active = parseMarkdown(escaped).active.join('')
    expect(active).not.toMatch(/[<>*_~`$[\]|#]/)
    expect(active).not.toMatch(/^([-+] |\d+[.)] )/)
    expect(shown(escaped)).toBe(text)
  })

  it('puts everything on one line', () => {
    expect(escapeMarkdown('first\nsecond\r\n\n# third\u2028x')).toBe('first second \\# third x')
  })

  it('breaks mentions of people and teams but leaves emails and digests alone', () => {
    const escaped = escapeMarkdown('cc @octocat and @org/team, ops@example.com, web@sha256:ab12')
    expect(escaped).not.toMatch(/(^|[^A-Za-z0-9_])@[A-Za-z0-9]/)
    expect(escaped).toContain('@\u200boctocat')
    expect(escaped).toContain('@\u200borg/team')
    expect(escaped).toContain('ops@example.com')
    expect(escaped).toContain('web@sha256:ab12')
  })

  it('drops control characters and bidi overrides', () => {
    expect(escapeMarkdown('a\u001b[31mred\u202eevil')).toBe('a \\[31mred evil')
  })
})

describe('code', () => {
  it.each([
    ['plain'],
    ['a`b'],
    ['``double`` and `single`'],
    ['`starts with a tick'],
    ['ends with a tick`'],
    [' padded both sides '],
    ['<img src=x> | @org/team']
  ])('shows %j exactly', (text) => {
    expect(codeSpanText(code(text))).toBe(text)
  })

  it('keeps a multi-line value on one line', () => {
    expect(codeSpanText(code('a\nb'))).toBe('a b')
  })
})

describe('codeBlock', () => {
  it('uses a fence that no line of the content can close', () => {
    const content = 'before\n```\n`````\nafter ```` inline\n'
    const block = codeBlock(content, 'diff')
    const { blocks, active } = parseMarkdown(`${block}\n\nnext paragraph`)
    expect(blocks).toEqual([{ info: 'diff', content: content.trimEnd() }])
    expect(active.filter((line) => line !== '')).toEqual(['next paragraph'])
  })

  it('uses three backticks when the content has none', () => {
    expect(codeBlock('x', 'diff')).toBe('```diff\nx\n```')
  })
})

describe('table', () => {
  it('keeps every row to the header cells, whatever pipes and newlines the cells hold', () => {
    const markdown = table(
      ['Name', 'Value'],
      [
        [escapeMarkdown('a | b'), code('x|y')],
        [escapeMarkdown('back\\slash|'), escapeMarkdown('line\nbreak')],
        [code('`|`'), ''],
        ['only one cell']
      ]
    )
    const [rows] = tables(markdown)
    expect(rows).toHaveLength(5)
    for (const row of rows!) expect(row).toHaveLength(2)
    expect(rows![1]).toEqual(['a | b', '`x|y`'])
    expect(markdown.split('\n')).toHaveLength(6)
  })
})
