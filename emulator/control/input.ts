/** A control API request the emulator refuses; answered as 400 with this message. */
export class ControlInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ControlInputError'
  }
}

export function asObject(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ControlInputError(`${what} must be a JSON object`)
  }
  return body as Record<string, unknown>
}

export function oneOf<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
  fallback?: T
): T {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T
  throw new ControlInputError(
    `${field} must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`
  )
}

export function optionalNumber(
  value: unknown,
  field: string,
  check: { min: number; max?: number; integer?: boolean; above?: boolean }
): number | undefined {
  if (value === undefined) return undefined
  const { min, max, integer, above } = check
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (above ? value > min : value >= min) &&
    (max === undefined || value <= max) &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    const range = `${above ? 'above' : 'at least'} ${min}${max === undefined ? '' : ` and at most ${max}`}`
    throw new ControlInputError(
      `${field} must be ${integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(value)}`
    )
  }
  return value
}

export function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ControlInputError(`${field} must be a non-empty string, got ${JSON.stringify(value)}`)
  }
  return value
}

export function rejectUnknownFields(
  body: Record<string, unknown>,
  allowed: readonly string[],
  what: string
): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) {
    throw new ControlInputError(
      `${what} has unknown field(s) ${unknown.join(', ')}; known fields: ${allowed.join(', ')}`
    )
  }
}
