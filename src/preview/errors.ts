/**
 * What the preview adapters report in the domain's words, so that src/preview/ can decide
 * without knowing the SDK's exception classes.
 */

/** CreateRule: another rule of the listener has that priority (maybe a run for another PR). */
export class PriorityTakenError extends Error {
  constructor(readonly priority: number) {
    super(`priority ${priority} is in use`)
    this.name = 'PriorityTakenError'
  }
}

/** An AWS quota was reached: too many rules, target groups, services, tags... */
export class AwsLimitError extends Error {
  constructor(
    /** the AWS error name, e.g. TooManyRulesException */
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'AwsLimitError'
  }
}

/** DeleteTargetGroup: a listener or rule still forwards to the group. */
export class ResourceInUseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResourceInUseError'
  }
}

/** A limit stopped the preview; the message says what to clean up. Nothing is left half-made. */
export class PreviewLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PreviewLimitError'
  }
}
