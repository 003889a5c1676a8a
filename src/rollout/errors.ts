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

/**
 * Another run holds the rollout on this route (a fresh heartbeat in its state tags), or took it
 * over while this one was waiting. Raised before this run changes anything it would have to undo.
 */
export class RolloutLockedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RolloutLockedError'
  }
}

/**
 * AWS throttled a write that must land right after the check before it (a weight moving traffic
 * onto the new side, right after its health was read): it was not carried out, and it is not
 * tried again on its own, so that every attempt follows a fresh check.
 */
export class NotCarriedOutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'NotCarriedOutError'
  }
}

/**
 * Another run took this rollout over (this one stopped sending heartbeats for too long). The run
 * stops at once without changing anything more: the new owner decides what happens to it now.
 */
export class TakenOverError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TakenOverError'
  }
}

/**
 * The rollout's record could not be written to AWS, even after trying patiently. The change it was
 * to announce is not made: no mutating call goes out unless the record already says what it is.
 */
export class RecordError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RecordError'
  }
}

/**
 * Another run aborted this rollout: it took the lock, returns the traffic and scales the new side
 * down itself. This run stops without changing anything more; `stop` says why, for its outcome.
 */
export class AbortedByOtherError extends TakenOverError {
  constructor(
    readonly stop: string,
    message: string
  ) {
    super(message)
    this.name = 'AbortedByOtherError'
  }
}
