import { invalid, type Params } from '../params.js'
import { parseExpression, type Expression } from './expression.js'

export interface Strategy {
  type: 'random' | 'spread' | 'binpack'
  field?: string
}

export interface Constraint {
  type: 'distinctInstance' | 'memberOf'
  expression?: Expression
}

/** as the API reference says: at most 5 strategy rules, at most 10 constraints per task */
export const MAX_STRATEGIES = 5
export const MAX_CONSTRAINTS = 10
const STRATEGY_TYPES = ['random', 'spread', 'binpack']
const CONSTRAINT_TYPES = ['distinctInstance', 'memberOf']
const BINPACK_FIELDS = ['cpu', 'memory']

/**
 * The `placementStrategy` and `placementConstraints` of a CreateService, UpdateService or RunTask,
 * checked as ECS checks them; `fromDefinition` are the task definition's own constraints, which
 * count toward the limit of 10. Undefined fields stay undefined (UpdateService keeps the service's).
 */
export function readPlacementRules(
  params: Params,
  fromDefinition: unknown[] = []
): { strategies?: Params[]; constraints?: Params[] } {
  const strategies = list(params.placementStrategy, 'placementStrategy')
  const constraints = list(params.placementConstraints, 'placementConstraints')
  if (strategies && strategies.length > MAX_STRATEGIES) {
    throw invalid(
      `The maximum number of placement strategies is ${MAX_STRATEGIES}; ${strategies.length} were given.`
    )
  }
  for (const raw of strategies ?? []) parseStrategy(raw)
  if (constraints && constraints.length + fromDefinition.length > MAX_CONSTRAINTS) {
    throw invalid(
      `The maximum number of placement constraints is ${MAX_CONSTRAINTS}, including those of the task definition.`
    )
  }
  for (const raw of constraints ?? []) parseConstraint(raw)
  return {
    ...(strategies ? { strategies } : {}),
    ...(constraints ? { constraints } : {})
  }
}

function list(raw: unknown, name: string): Params[] | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!Array.isArray(raw) || !raw.every((item) => typeof item === 'object' && item !== null)) {
    throw invalid(`${name} must be a list of objects.`)
  }
  return raw as Params[]
}

export function parseStrategy(raw: Params): Strategy {
  const type = raw.type
  if (typeof type !== 'string' || !STRATEGY_TYPES.includes(type)) {
    throw invalid(
      `1 validation error detected: Value '${String(type)}' at 'placementStrategy.type' failed to satisfy constraint: Member must satisfy enum value set: [random, spread, binpack]`
    )
  }
  const field = typeof raw.field === 'string' ? raw.field : undefined
  // the API reference: "For the random placement strategy, this field is not used" (ignored, not refused)
  if (type === 'random') return { type }
  if (field === undefined) throw invalid(`Field must be specified for ${type} placement strategy.`)
  if (type === 'binpack' && !BINPACK_FIELDS.includes(field.toLowerCase())) {
    throw invalid(`Invalid field '${field}' for binpack placement strategy: use cpu or memory.`)
  }
  return { type: type as Strategy['type'], field }
}

export function parseConstraint(raw: Params): Constraint {
  const type = raw.type
  if (typeof type !== 'string' || !CONSTRAINT_TYPES.includes(type)) {
    throw invalid(
      `1 validation error detected: Value '${String(type)}' at 'placementConstraints.type' failed to satisfy constraint: Member must satisfy enum value set: [distinctInstance, memberOf]`
    )
  }
  const expression = typeof raw.expression === 'string' ? raw.expression : undefined
  if (type === 'distinctInstance') {
    if (expression !== undefined) {
      throw invalid('Expression is not supported for distinctInstance placement constraint.')
    }
    return { type }
  }
  if (expression === undefined || expression === '') {
    throw invalid('Expression must be specified for memberOf placement constraint.')
  }
  if (expression.length > 2000) throw invalid('Expression can have at most 2000 characters.')
  return { type: 'memberOf', expression: parseExpression(expression) }
}
