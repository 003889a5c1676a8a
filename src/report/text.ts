/**
 * Control characters (newlines, ESC, ...) and bidi overrides, which could start a new log line or
 * markdown block, run a terminal escape, or make text read differently than it is.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g
/** The same, except the newline and tab that multi-line text such as a diff needs. */
const UNPRINTABLE_BUT_LINES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g

/** Text from outside, flattened onto one line with nothing that can start another. */
export function oneLine(text: string): string {
  return text.replace(UNPRINTABLE, ' ')
}

/** Text from outside, keeping its lines (any line ending becomes `\n`) and tabs, nothing else. */
export function printableLines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNPRINTABLE_BUT_LINES, ' ')
}

/** Length of the longest run of `char` in `text` (0 when it does not occur). */
export function longestRun(text: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === char ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}
