import { longestRun, oneLine, printableLines } from './text.js'

/*
 * GitHub renders job summaries and comments as GFM and then links @mentions and sanitises HTML.
 * Text from outside (image names, PR titles, ECS events) must come out as the same text, never as
 * markup: no HTML, no links or images, no emphasis, no broken tables and no pinged people.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }

/** ASCII punctuation that can open inline markup or split a table cell. */
const INLINE_MARKUP = /[&<>\\`*_[\]#|~$]/g

/** Ahead of these at the start of text a block would open (list item, numbered item). */
const BLOCK_START = /^([-+]|\d+[.)])/

/**
 * A zero-width space after `@` keeps the name readable while GitHub no longer sees a mention.
 * GitHub only mentions after a non-word ASCII character, so an `@` inside a word (an email,
 * `image@sha256`) is left alone.
 */
const MENTION = /(^|[^A-Za-z0-9_])@(?=[A-Za-z0-9])/g

/** Text for a paragraph, list item or table cell: it renders as itself, on one line. */
export function escapeMarkdown(text: string): string {
  const flat = oneLine(text).replace(/\s+/g, ' ').trim()
  return flat
    .replace(INLINE_MARKUP, (c) => ENTITIES[c] ?? `\\${c}`)
    .replace(BLOCK_START, (start) => start.replace(/[-+.)]$/, (c) => `\\${c}`))
    .replace(MENTION, '$1@\u200b')
}

/**
 * Inline code. The backtick fence is longer than any backtick run inside, and a space pads text
 * that starts or ends with a backtick (CommonMark strips exactly one space each side).
 */
export function code(text: string): string {
  const flat = oneLine(text)
  if (flat.trim() === '') return ''
  const fence = '`'.repeat(longestRun(flat, '`') + 1)
  const pad =
    flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' '))
      ? ' '
      : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/** A fenced code block whose fence no line of the content can close. */
export function codeBlock(text: string, info = ''): string {
  const content = printableLines(text)
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1))
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `${fence}${oneLine(info)}\n${body}${fence}`
}

/**
 * A GFM table. Headers and cells are markdown (escape text with `escapeMarkdown`, wrap it with
 * `code`); a `|` that would split a cell, even inside inline code, is escaped here.
 */
export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string =>
    `| ${headers.map((_, i) => cell(cells[i] ?? '')).join(' | ')} |`
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join(
    '\n'
  )
}

/** GFM splits a row at every `|` not preceded by an odd number of backslashes. */
function cell(markdown: string): string {
  let out = ''
  let backslashes = 0
  for (const c of oneLine(markdown)) {
    if (c === '|' && backslashes % 2 === 0) out += '\\'
    out += c
    backslashes = c === '\\' ? backslashes + 1 : 0
  }
  return out
}
