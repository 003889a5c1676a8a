import { AwsError } from '../core/errors.js'
import {
  notNull,
  object,
  optionalBool,
  optionalInt,
  optionalString,
  type Params,
  validationError
} from './params.js'
import type { Action } from './state.js'

/**
 * The actions other than forward, checked as the ELBv2 API reference constrains their configs
 * (AuthenticateOidcActionConfig, AuthenticateCognitoActionConfig, RedirectActionConfig,
 * FixedResponseActionConfig) and the order rules of a rule's action list.
 */

const TERMINAL = new Set(['forward', 'redirect', 'fixed-response'])
const AUTHENTICATE = new Set(['authenticate-oidc', 'authenticate-cognito'])
const UNAUTHENTICATED = ['deny', 'allow', 'authenticate']
const CONTENT_TYPES = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json'
]
const MAX_MESSAGE_BODY = 1024
const MAX_REDIRECT_PART = 128
const MAX_SESSION_TIMEOUT = 604800
const MAX_EXTRA_PARAMS = 10

function invalidAction(message: string): AwsError {
  return new AwsError('InvalidLoadBalancerAction', message)
}

function constraint(value: string, at: string, rule: string): AwsError {
  return validationError(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: ${rule}`
  )
}

/**
 * One action that is not a forward, as it will be stored. `previous`: the actions it replaces
 * (ModifyListener, ModifyRule), whose OIDC client secret `UseExistingClientSecret` keeps; on a
 * create there is none, so the secret must be given.
 */
export function readOtherAction(
  type: string,
  action: Params,
  at: string,
  previous: Action[] | undefined
): Action {
  const stored = structuredClone(action)
  if (type === 'authenticate-oidc') stored.AuthenticateOidcConfig = readOidc(action, at, previous)
  if (type === 'authenticate-cognito') readCognito(action, at)
  if (type === 'redirect') readRedirect(action, at)
  if (type === 'fixed-response') readFixedResponse(action, at)
  return stored
}

function readOidc(action: Params, at: string, previous: Action[] | undefined): Params {
  const config = object(action, 'AuthenticateOidcConfig')
  if (!config) throw notNull(`${at}.authenticateOidcConfig`)
  const here = `${at}.authenticateOidcConfig`
  for (const key of ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint']) {
    const url = optionalString(config, key)
    if (url === undefined || url === '') throw notNull(`${here}.${key}`)
    if (!/^https:\/\/[^\s/]+/.test(url)) {
      throw validationError(
        `The ${key} '${url}' is not valid: it must be a full URL, including the HTTPS protocol, the domain, and the path`
      )
    }
  }
  if (!optionalString(config, 'ClientId')) throw notNull(`${here}.clientId`)
  readAuthenticateCommon(config, here)

  const secret = optionalString(config, 'ClientSecret')
  const useExisting = optionalBool(config, 'UseExistingClientSecret') ?? false
  if (secret !== undefined && useExisting) {
    throw invalidAction(
      'You cannot specify a client secret and set UseExistingClientSecret to true in the same authenticate-oidc action'
    )
  }
  const { UseExistingClientSecret: _flag, ...kept } = structuredClone(config)
  if (secret !== undefined) return kept
  const existing = useExisting ? existingSecret(previous) : undefined
  if (existing === undefined) {
    throw invalidAction(
      useExisting
        ? 'UseExistingClientSecret is true, but there is no existing authenticate-oidc action with a client secret to keep'
        : 'A client secret must be specified for an authenticate-oidc action, or UseExistingClientSecret set to true when modifying one'
    )
  }
  return { ...kept, ClientSecret: existing }
}

function existingSecret(previous: Action[] | undefined): string | undefined {
  const oidc = previous?.find((a) => a.Type === 'authenticate-oidc')
  const config = oidc?.AuthenticateOidcConfig as Params | undefined
  const secret = config?.ClientSecret
  return typeof secret === 'string' ? secret : undefined
}

function readCognito(action: Params, at: string): void {
  const config = object(action, 'AuthenticateCognitoConfig')
  const here = `${at}.authenticateCognitoConfig`
  if (!config) throw notNull(here)
  for (const key of ['UserPoolArn', 'UserPoolClientId', 'UserPoolDomain']) {
    if (!optionalString(config, key)) throw notNull(`${here}.${key}`)
  }
  readAuthenticateCommon(config, here)
}

function readAuthenticateCommon(config: Params, here: string): void {
  optionalInt(config, 'SessionTimeout', { min: 1, max: MAX_SESSION_TIMEOUT })
  const unauthenticated = optionalString(config, 'OnUnauthenticatedRequest')
  if (unauthenticated !== undefined && !UNAUTHENTICATED.includes(unauthenticated)) {
    throw constraint(
      unauthenticated,
      `${here}.onUnauthenticatedRequest`,
      `Member must satisfy enum value set: [${UNAUTHENTICATED.join(', ')}]`
    )
  }
  const extra = object(config, 'AuthenticationRequestExtraParams')
  if (extra && Object.keys(extra).length > MAX_EXTRA_PARAMS) {
    throw validationError(
      `An authenticate action can have at most ${MAX_EXTRA_PARAMS} authentication request extra parameters`
    )
  }
}

function readRedirect(action: Params, at: string): void {
  const config = object(action, 'RedirectConfig')
  const here = `${at}.redirectConfig`
  if (!config) throw notNull(here)
  const status = optionalString(config, 'StatusCode')
  if (status === undefined) throw notNull(`${here}.statusCode`)
  if (status !== 'HTTP_301' && status !== 'HTTP_302') {
    throw constraint(
      status,
      `${here}.statusCode`,
      'Member must satisfy enum value set: [HTTP_301, HTTP_302]'
    )
  }
  const protocol = optionalString(config, 'Protocol')
  if (protocol !== undefined && !/^(HTTPS?|#\{protocol\})$/i.test(protocol)) {
    throw constraint(
      protocol,
      `${here}.protocol`,
      'Member must satisfy regular expression pattern: ^(HTTPS?|#\\{protocol\\})$'
    )
  }
  const port = optionalString(config, 'Port')
  if (port !== undefined && port !== '#{port}') {
    const n = Number(port)
    if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
      throw validationError(
        `The redirect port '${port}' is not valid: it must be #{port} or a number from 1 to 65535`
      )
    }
  }
  for (const key of ['Host', 'Path', 'Query']) {
    const value = optionalString(config, key)
    if (value === undefined) continue
    const min = key === 'Query' ? 0 : 1
    if (value.length < min || value.length > MAX_REDIRECT_PART) {
      throw constraint(
        value,
        `${here}.${key.toLowerCase()}`,
        `Member must have length between ${min} and ${MAX_REDIRECT_PART}`
      )
    }
  }
  const path = optionalString(config, 'Path')
  if (path !== undefined && !path.startsWith('/')) {
    throw validationError(`The redirect path '${path}' is not valid: it must start with '/'`)
  }
  const unchanged = (key: string, keep: string): boolean =>
    (optionalString(config, key) ?? keep) === keep
  if (
    unchanged('Protocol', '#{protocol}') &&
    unchanged('Host', '#{host}') &&
    unchanged('Port', '#{port}') &&
    unchanged('Path', '/#{path}')
  ) {
    throw invalidAction(
      'You must modify at least one of the following components to avoid a redirect loop: protocol, hostname, port, or path.'
    )
  }
}

function readFixedResponse(action: Params, at: string): void {
  const config = object(action, 'FixedResponseConfig')
  const here = `${at}.fixedResponseConfig`
  if (!config) throw notNull(here)
  const status = optionalString(config, 'StatusCode')
  if (status === undefined) throw notNull(`${here}.statusCode`)
  if (!/^(2|4|5)\d\d$/.test(status)) {
    throw constraint(
      status,
      `${here}.statusCode`,
      'Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$'
    )
  }
  const body = optionalString(config, 'MessageBody')
  if (body !== undefined && body.length > MAX_MESSAGE_BODY) {
    throw constraint(
      `${body.slice(0, 20)}...`,
      `${here}.messageBody`,
      `Member must have length less than or equal to ${MAX_MESSAGE_BODY}`
    )
  }
  const type = optionalString(config, 'ContentType')
  if (type !== undefined && !CONTENT_TYPES.includes(type)) {
    throw constraint(
      type,
      `${here}.contentType`,
      `Member must satisfy enum value set: [${CONTENT_TYPES.join(', ')}]`
    )
  }
}

/**
 * The rules of a list of actions: with several, each needs an Order and no two share one;
 * authentication comes before the one action that answers (forward, redirect or fixed-response),
 * which comes last.
 */
export function checkActionList(actions: Action[]): void {
  if (actions.length > 1) {
    const orders = actions.map((a) => a.Order)
    if (orders.some((o) => o === undefined)) {
      throw invalidAction(
        'The Order parameter is required for each action when a rule has more than one action'
      )
    }
    if (new Set(orders).size !== orders.length) {
      throw invalidAction('The actions of a rule cannot have the same Order')
    }
  }
  const sorted = [...actions].sort((a, b) => Number(a.Order ?? 0) - Number(b.Order ?? 0))
  const terminal = sorted.filter((a) => TERMINAL.has(String(a.Type)))
  if (terminal.length !== 1) {
    throw invalidAction(
      `A rule must have exactly one action of type forward, redirect or fixed-response, got ${terminal.length}`
    )
  }
  if (sorted[sorted.length - 1] !== terminal[0]) {
    throw invalidAction(
      'The forward, redirect or fixed-response action must be the last action, after every authenticate action'
    )
  }
  const unknownBefore = sorted
    .slice(0, -1)
    .find((a) => !AUTHENTICATE.has(String(a.Type)) && a.Type !== 'jwt-validation')
  if (unknownBefore) {
    throw invalidAction(
      `An action of type ${String(unknownBefore.Type)} cannot come before the last action`
    )
  }
}

/** Actions as Describe returns them: AWS never returns an OIDC client secret. */
export function renderActions(actions: Action[]): Action[] {
  return actions.map((action) => {
    const copy = structuredClone(action)
    const config = copy.AuthenticateOidcConfig as Params | undefined
    if (config) delete config.ClientSecret
    return copy
  })
}
