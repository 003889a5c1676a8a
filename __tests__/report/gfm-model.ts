/**
 * A small model of how GitHub (cmark-gfm) reads the markdown we write, enough to tell text from
 * markup: fenced blocks, code spans, backslash escapes, entities and table rows. No markdown
 * renderer is installed; this follows the CommonMark and GFM specs for just those constructs.
 */

export interface FencedBlock {
  info: string
  content: string
}

export interface MarkdownParts {
  /** lines outside fenced blocks, as written */
  outside: string[]
  /** the same lines with escapes, entities and code spans replaced by `\0` */
  active: string[]
  blocks: FencedBlock[]
  codeSpans: string[]
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/
const ENTITY = /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/

export function parseMarkdown(markdown: string): MarkdownParts {
  const outside: string[] = []
  const active: string[] = []
  const blocks: FencedBlock[] = []
  const codeSpans: string[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const open = FENCE_OPEN.exec(line)
    if (open && !(open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      const fence = open[1]!
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
      const content: string[] = []
      i++
      while (i < lines.length && !close.test(lines[i]!)) content.push(lines[i++]!)
      blocks.push({ info: open[2]!.trim(), content: content.join('\n') })
      continue
    }
    outside.push(line)
    active.push(inlineActive(line, codeSpans))
  }
  return { outside, active, blocks, codeSpans }
}

function inlineActive(line: string, codeSpans: string[]): string {
  let out = ''
  let i = 0
  while (i < line.length) {
    const c = line[i]!
    if (c === '\\' && ASCII_PUNCTUATION.test(line[i + 1] ?? '')) {
      out += '\0'
      i += 2
      continue
    }
    const entity = c === '&' ? ENTITY.exec(line.slice(i)) : null
    if (entity) {
      out += '\0'
      i += entity[0].length
      continue
    }
    if (c === '`') {
      const run = /^`+/.exec(line.slice(i))![0]
      const end = closingRun(line, i + run.length, run.length)
      if (end < 0) {
        out += run
        i += run.length
      } else {
        codeSpans.push(codeSpanContent(line.slice(i + run.length, end)))
        out += '\0'
        i = end + run.length
      }
      continue
    }
    out += c
    i++
  }
  return out
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function closingRun(line: string, from: number, length: number): number {
  const runs = /`+/g
  runs.lastIndex = from
  for (let m = runs.exec(line); m; m = runs.exec(line)) if (m[0].length === length) return m.index
  return -1
}

/** CommonMark: one space is stripped from each side when both sides have one. */
function codeSpanContent(raw: string): string {
  return raw.length > 2 && raw.startsWith(' ') && raw.endsWith(' ') && raw.trim() !== ''
    ? raw.slice(1, -1)
    : raw
}

/** The text of a code span as GitHub shows it (a lone code span, outside any table). */
export function codeSpanText(markdown: string): string {
  const { codeSpans, active } = parseMarkdown(markdown)
  if (codeSpans.length !== 1 || active.join('') !== '\0')
    throw new Error(`not one code span: ${markdown}`)
  return codeSpans[0]!
}

/** cmark-gfm's row split: a backslash takes the next character with it, any other `|` splits. */
export function tableCells(row: string): string[] {
  let text = row.trim()
  if (text.startsWith('|')) text = text.slice(1)
  const cells: string[] = []
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i]
    } else if (c === '|') {
      cells.push(current)
      current = ''
    } else current += c
  }
  if (current.trim() !== '') cells.push(current)
  // then, in each cell, `\|` becomes `|` before the cell is read as inline markdown
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

/** Tables found outside fenced blocks: each is its lines, header first, delimiter row dropped. */
export function tables(markdown: string): string[][][] {
  const found: string[][][] = []
  const lines = parseMarkdown(markdown).outside
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|( *:?-+:? *\|)+$/.test(lines[i + 1]!)) continue
    const rows = [tableCells(lines[i]!)]
    let j = i + 2
    while (j < lines.length && lines[j]!.startsWith('|')) rows.push(tableCells(lines[j++]!))
    found.push(rows)
    i = j - 1
  }
  return found
}
