import { createHash } from 'node:crypto'
import type { Settings } from '../rollout/settings.js'
import type { Tags } from './ports.js'

/**
 * Which pair the previews belong to, independent of which side is live today: the live side
 * flips with every deploy, and a preview made from web-blue must be found again (and removed)
 * when web-green is live.
 */
export interface PreviewEnvironment {
  cluster: string
  /** the two services of the pair, sorted */
  pair: [string, string]
  /** 8 hex digits of a hash of cluster and pair: previews of other pairs never share a name */
  hash: string
  /** a readable prefix for names: what the pair's names share, e.g. `web` of web-blue/web-green */
  stem: string
}

export interface PreviewNames {
  pr: number
  /** the ECS service, and the family of its task definition revisions */
  service: string
  family: string
  targetGroup: string
  /** the GitHub environment of the PR's deployments */
  environment: string
}

const SERVICE_MAX = 255
const TARGET_GROUP_MAX = 32
const HASH_LENGTH = 8

export const TAG_ENVIRONMENT = 'ecs-blue-green:preview'
export const TAG_PR = 'ecs-blue-green:pr'

export function previewEnvironment(
  settings: Pick<Settings, 'cluster' | 'services'>
): PreviewEnvironment {
  const cluster = settings.cluster.slice(settings.cluster.lastIndexOf('/') + 1)
  const pair = [...settings.services].sort() as [string, string]
  const hash = createHash('sha256')
    .update(`${cluster}\n${pair[0]}\n${pair[1]}`)
    .digest('hex')
    .slice(0, HASH_LENGTH)
  return { cluster: settings.cluster, pair, hash, stem: stemOf(pair) }
}

/** `web-blue` + `web-green` -> `web`; names with nothing in common -> the first one. */
function stemOf([a, b]: [string, string]): string {
  let shared = 0
  while (shared < a.length && a[shared] === b[shared]) shared++
  const stem = a.slice(0, shared).replace(/[-_]+$/, '')
  return stem === '' ? a : stem
}

/**
 * Every name carries the PR number and the environment's hash, so two PRs never collide and
 * neither do two pairs with the same PR number in one region (target group names are unique per
 * region). Only the stem is cut to fit AWS's limits; the number and hash always fit whole.
 */
export function previewNames(env: PreviewEnvironment, pr: number): PreviewNames {
  const suffix = `pr${pr}-${env.hash}`
  const service = join(env.stem.slice(0, SERVICE_MAX - suffix.length - 1), suffix)
  const groupStem = env.stem
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, TARGET_GROUP_MAX - suffix.length - 1)
    .replace(/^-+|-+$/g, '')
  return {
    pr,
    service,
    family: service,
    targetGroup: join(groupStem, suffix),
    environment: `pr-${pr}`
  }
}

function join(stem: string, suffix: string): string {
  const cut = stem.replace(/[-_]+$/, '')
  return cut === '' ? suffix : `${cut}-${suffix}`
}

/** Only derived values: a branch name or PR title never reaches a tag. */
export function previewTags(env: PreviewEnvironment, pr: number): Tags {
  return { [TAG_ENVIRONMENT]: env.hash, [TAG_PR]: String(pr) }
}

/** Whether the tags mark a resource of this environment (and of this PR, when given). */
export function isOurs(tags: Tags | undefined, env: PreviewEnvironment, pr?: number): boolean {
  if (!tags || tags[TAG_ENVIRONMENT] !== env.hash) return false
  return pr === undefined || tags[TAG_PR] === String(pr)
}

/** The PR a resource of this environment belongs to, from its tags. */
export function prOfTags(tags: Tags | undefined, env: PreviewEnvironment): number | undefined {
  if (!tags || tags[TAG_ENVIRONMENT] !== env.hash) return undefined
  const pr = /^\d{1,10}$/.test(tags[TAG_PR] ?? '') ? Number(tags[TAG_PR]) : undefined
  return pr !== undefined && pr > 0 ? pr : undefined
}

/** The PR number in a service name of this environment, e.g. `web-pr12-0a1b2c3d` -> 12. */
export function prOfServiceName(name: string, env: PreviewEnvironment): number | undefined {
  const match = /-?pr(\d{1,10})-([0-9a-f]+)$/.exec(name)
  if (!match || match[2] !== env.hash) return undefined
  const pr = Number(match[1])
  return previewNames(env, pr).service === name ? pr : undefined
}
