/**
 * An input the user gave is wrong. Raised before any mutating AWS call, so the message must
 * say which input, what was wrong with it, and what would be valid.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
  }
}

/**
 * What was found in AWS does not fit a blue/green pair (wrong forward action, service missing,
 * traffic split by an unfinished rollout). Raised during discovery, before anything changes.
 */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TopologyError'
  }
}
