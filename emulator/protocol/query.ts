import { XMLBuilder } from 'fast-xml-parser'
import { AwsError } from '../core/errors.js'
import type { WireFormat, WireResponse } from './wire.js'

/** more list items than any API takes; guards against `member.999999999` allocating an array */
const MAX_LIST_INDEX = 10_000
/** keys that would reach Object.prototype if assigned */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor'])

type Step = { key: string } | { index: number }

/**
 * Decodes an AWS Query body into the operation's parameters, nested the way the API model is:
 * `A.member.1.B.member.2.C=x` -> `{ A: [{ B: [undefined, { C: 'x' }] }] }`. Lists are dense
 * (a missing item is `undefined`, never a hole), every scalar stays a string, and an empty list
 * (`Tags=`) stays `''`. `Action` and `Version` are left out.
 */
export function decodeQueryParams(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === 'Action' || name === 'Version') continue
    assign(root, steps(name), value)
  }
  return root
}

/** The `Action` and `Version` of a Query body, if it has them. */
export function queryAction(body: string): { action?: string; version?: string } {
  const params = new URLSearchParams(body)
  return { action: params.get('Action') ?? undefined, version: params.get('Version') ?? undefined }
}

function steps(name: string): Step[] {
  const parts = name.split('.')
  const result: Step[] = []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const next = parts[i + 1]
    // `member.N` is a list item, `entry.N` a map entry; a bare `N` is a flattened list item
    if ((part === 'member' || part === 'entry') && next !== undefined && isIndex(next)) {
      result.push({ index: toIndex(next, name) })
      i++
    } else if (isIndex(part) && i > 0) {
      result.push({ index: toIndex(part, name) })
    } else {
      result.push({ key: part })
    }
  }
  return result
}

function isIndex(part: string): boolean {
  return /^[0-9]+$/.test(part)
}

function toIndex(part: string, name: string): number {
  const n = Number(part)
  if (n < 1 || n > MAX_LIST_INDEX) {
    throw new AwsError(
      'ValidationError',
      `List index ${part} in parameter ${name} is out of range.`
    )
  }
  return n - 1
}

function assign(root: Record<string, unknown>, path: Step[], value: string): void {
  let node: Record<string, unknown> | unknown[] = root
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as Step
    const next = path[i + 1]
    if ('key' in step && FORBIDDEN_KEYS.has(step.key)) return
    const current = read(node, step)
    if (next === undefined) {
      // a scalar never overwrites what deeper keys already built (e.g. `Tags=` after `Tags.member.1`)
      if (current === undefined || typeof current === 'string') write(node, step, value)
      return
    }
    const wantList = 'index' in next
    const fits = wantList ? Array.isArray(current) : isPlainObject(current)
    const child: Record<string, unknown> | unknown[] = fits
      ? (current as Record<string, unknown> | unknown[])
      : wantList
        ? []
        : {}
    if (!fits) write(node, step, child)
    node = child
  }
}

function read(node: Record<string, unknown> | unknown[], step: Step): unknown {
  if ('index' in step) return Array.isArray(node) ? node[step.index] : undefined
  return Array.isArray(node) ? undefined : node[step.key]
}

function write(node: Record<string, unknown> | unknown[], step: Step, value: unknown): void {
  if ('index' in step) {
    if (!Array.isArray(node)) return
    for (let j = node.length; j < step.index; j++) node[j] = undefined
    node[step.index] = value
  } else if (!Array.isArray(node)) {
    node[step.key] = value
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const ATTRIBUTE = '@'
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE,
  suppressEmptyNode: false,
  processEntities: true
})

/**
 * A backend's result as the tree XMLBuilder writes: arrays become `<member>` lists, Dates ISO
 * strings, booleans and numbers text; null and undefined are left out, as AWS omits them.
 */
export function toXmlTree(value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== null && item !== undefined).map(toXmlTree)
    return items.length === 0 ? '' : { member: items }
  }
  if (typeof value === 'object') {
    const tree: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const converted = toXmlTree(item)
      if (converted !== undefined) tree[key] = converted
    }
    return tree
  }
  return String(value)
}

/** AWS Query: form-encoded requests, XML answers in the service's namespace. */
export function queryFormat(xmlns: string): WireFormat {
  const xml = (status: number, requestId: string, document: unknown): WireResponse => ({
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: builder.build(document)
  })
  return {
    result(operation, result, requestId) {
      return xml(200, requestId, {
        [`${operation}Response`]: {
          [`${ATTRIBUTE}xmlns`]: xmlns,
          [`${operation}Result`]: toXmlTree(result ?? {}) ?? '',
          ResponseMetadata: { RequestId: requestId }
        }
      })
    },
    error(error, requestId) {
      return xml(error.status, requestId, {
        ErrorResponse: {
          [`${ATTRIBUTE}xmlns`]: xmlns,
          Error: { Type: error.fault, Code: error.code, Message: error.message },
          RequestId: requestId
        }
      })
    },
    unknownOperation(operation) {
      return new AwsError(
        'InvalidAction',
        `The action ${operation} is not valid for this web service.`
      )
    },
    // ELB's throttling page says ThrottlingException, the code CloudTrail records; on the wire
    // ELBv2 and CloudWatch's Query API answer `Throttling` (what AWS's SDKs report: "Error Code:
    // Throttling", "Throttling: Rate exceeded, status code: 400")
    throttling() {
      return new AwsError('Throttling', 'Rate exceeded')
    },
    internalFailure() {
      return new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error.',
        500
      )
    }
  }
}
