export interface JsonProblem {
  line: number
  column: number
  problem: string
}

/**
 * Where a text stops being JSON, found by a small scanner of our own: JSON.parse's messages
 * differ between Node versions and quote the surrounding text, which may be a secret value.
 * Returns undefined for valid JSON.
 */
export function locateJsonError(text: string): JsonProblem | undefined {
  const scanner = new Scanner(text)
  try {
    scanner.value()
    scanner.space()
    if (scanner.at < text.length) scanner.fail('unexpected text after the end of the JSON value')
    return undefined
  } catch (error) {
    if (!(error instanceof Stop)) throw error
    const before = text.slice(0, error.at).split('\n')
    return {
      line: before.length,
      column: (before[before.length - 1]?.length ?? 0) + 1,
      problem: error.problem
    }
  }
}

class Stop {
  constructor(
    readonly at: number,
    readonly problem: string
  ) {}
}

const LITERALS = ['true', 'false', 'null']
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// JSON forbids raw control characters inside strings, so the scanner must name them
// eslint-disable-next-line no-control-regex
const STRING_CHARACTERS = /(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*/y

class Scanner {
  at = 0
  constructor(private readonly text: string) {}

  fail(problem: string): never {
    throw new Stop(this.at, problem)
  }

  space(): void {
    while (/[ \t\r\n]/.test(this.text[this.at] ?? '')) this.at++
  }

  value(): void {
    this.space()
    const next = this.text[this.at]
    if (next === undefined) this.fail('unexpected end of file')
    if (next === '{') return this.object()
    if (next === '[') return this.array()
    if (next === '"') return this.string()
    if (this.match(NUMBER)) return
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.at))
    if (literal) {
      this.at += literal.length
      return
    }
    this.fail(`unexpected character ${JSON.stringify(next)}`)
  }

  private object(): void {
    this.at++
    this.space()
    if (this.eat('}')) return
    for (;;) {
      this.space()
      if (this.text[this.at] !== '"') this.fail('expected a double-quoted property name')
      this.string()
      this.space()
      if (!this.eat(':')) this.fail("expected ':' after the property name")
      this.value()
      this.space()
      if (this.eat('}')) return
      if (!this.eat(',')) this.fail("expected ',' or '}' after a property value")
    }
  }

  private array(): void {
    this.at++
    this.space()
    if (this.eat(']')) return
    for (;;) {
      this.value()
      this.space()
      if (this.eat(']')) return
      if (!this.eat(',')) this.fail("expected ',' or ']' after an array element")
    }
  }

  private string(): void {
    this.at++
    this.match(STRING_CHARACTERS)
    if (!this.eat('"')) {
      this.fail(this.at >= this.text.length ? 'unterminated string' : 'invalid character in string')
    }
  }

  private eat(character: string): boolean {
    if (this.text[this.at] !== character) return false
    this.at++
    return true
  }

  private match(pattern: RegExp): boolean {
    pattern.lastIndex = this.at
    const found = pattern.exec(this.text)
    if (!found || found[0].length === 0) return false
    this.at += found[0].length
    return true
  }
}
