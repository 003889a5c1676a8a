/**
 * The IAM actions src/ can need, read from its source: every `new XxxCommand(` of an AWS SDK
 * client, plus the actions AWS checks alongside some operations when the call carries tags or
 * roles (the Service Authorization Reference's operations table).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const SRC = join(ROOT, 'src')

const PREFIXES: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling'
}

interface Implied {
  action: string
  /** when the call's argument text matches; undefined: always */
  when?: RegExp
  why: string
}

/** Actions AWS authorizes besides the operation's own, as the reference lists them. */
const IMPLIED: Record<string, Implied[]> = {
  'ecs:RegisterTaskDefinition': [
    { action: 'iam:PassRole', why: "the task definition's task and execution roles" },
    { action: 'ecs:TagResource', when: /\btags\s*:/, why: 'tags on the new revision' }
  ],
  // RunTask passes the task definition's roles (and any an override names) to the task
  'ecs:RunTask': [
    { action: 'iam:PassRole', why: "the task definition's task and execution roles" },
    { action: 'ecs:TagResource', when: /\btags\s*:/, why: 'tags on the new task' }
  ],
  'ecs:CreateService': [
    { action: 'ecs:TagResource', when: /\btags\s*:/, why: 'tags on the new service' },
    { action: 'iam:PassRole', when: /\brole\s*:/, why: "the service's role" }
  ],
  // Application Auto Scaling's own page of required permissions for these two operations
  'application-autoscaling:RegisterScalableTarget': [
    { action: 'ecs:DescribeServices', why: 'the service being registered' },
    { action: 'ecs:UpdateService', why: 'a minimum or maximum that moves the count' },
    {
      action: 'iam:CreateServiceLinkedRole',
      why: "the service-linked role of ECS's auto scaling, on a first registration"
    }
  ],
  'application-autoscaling:PutScalingPolicy': [
    { action: 'cloudwatch:PutMetricAlarm', why: "a target tracking policy's alarms" },
    { action: 'cloudwatch:DescribeAlarms', why: "a target tracking policy's alarms" },
    { action: 'cloudwatch:DeleteAlarms', why: 'the alarms a changed policy replaces' }
  ],
  'elasticloadbalancing:CreateRule': [
    { action: 'elasticloadbalancing:AddTags', when: /\bTags\s*:/, why: 'tags on the new rule' }
  ],
  'elasticloadbalancing:CreateTargetGroup': [
    { action: 'elasticloadbalancing:AddTags', when: /\bTags\s*:/, why: 'tags on the new group' }
  ]
}

/** One IAM action src/ needs, and where it comes from. */
export interface NeededAction {
  action: string
  /** e.g. `src/aws/elb.ts sends ModifyListenerCommand` */
  because: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Which SDK package each imported name of a file comes from. */
function sdkImports(source: string): Map<string, string> {
  const names = new Map<string, string>()
  for (const match of source.matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g
  )) {
    const [, list = '', pkg = ''] = match
    for (const item of list.split(',')) {
      const name = item
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim()
      if (name) names.set(name, pkg)
    }
  }
  return names
}

/** The text between the parenthesis at `open` and its match. */
function argumentText(source: string, open: number): string {
  let depth = 0
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++
    if (source[i] === ')' && --depth === 0) return source.slice(open + 1, i)
  }
  return source.slice(open + 1)
}

export function neededActions(srcDir = SRC): NeededAction[] {
  const needed: NeededAction[] = []
  for (const file of sourceFiles(srcDir)) {
    const source = readFileSync(file, 'utf8')
    const imports = sdkImports(source)
    const where = relative(ROOT, file)
    for (const match of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const command = `${match[1]}Command`
      const pkg = imports.get(command)
      if (!pkg) continue
      const prefix = PREFIXES[pkg]
      if (!prefix) {
        throw new Error(
          `${where} imports ${command} from ${pkg}: teach __tests__/iam/source.ts its IAM prefix`
        )
      }
      const action = `${prefix}:${match[1]}`
      needed.push({ action, because: `${where} sends ${command}` })
      const args = argumentText(source, (match.index ?? 0) + match[0].length - 1)
      for (const extra of IMPLIED[action] ?? []) {
        if (extra.when && !extra.when.test(args)) continue
        needed.push({ action: extra.action, because: `${where} sends ${command} (${extra.why})` })
      }
    }
  }
  return needed
}
