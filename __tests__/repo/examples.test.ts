/**
 * examples/: the blue/green pair as Terraform and as CloudFormation. Neither tool runs here, so
 * this checks what can be checked without AWS: both parse (HCL by HashiCorp's own parser compiled
 * to WebAssembly; YAML with CloudFormation's short-form tags), they build the pair the action
 * expects (two Fargate services on two target groups, a listener forwarding 100/0), they tell the
 * infrastructure tool to leave alone what the action changes, and the deploy role's policy is
 * exactly iam/policy.json: the same statements, actions, resources and conditions, with its
 * <placeholders> filled in by the example.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse as parseHcl } from '@cdktf/hcl2json'
import { parseDocument, type ScalarTag, type CollectionTag, YAMLMap, YAMLSeq } from 'yaml'
import { loadPolicy, type Statement } from '../iam/policy.js'

const ROOT = resolve(import.meta.dirname, '../..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

type Json = Record<string, unknown>

// --- the policy as comparable statements ------------------------------------------------------

interface Comparable {
  Sid: string
  Effect: string
  Action: string[]
  Resource: string[]
  Condition: Record<string, Record<string, string[]>>
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String)

function comparable(statement: Statement): Comparable {
  const condition: Comparable['Condition'] = {}
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    condition[operator] = {}
    for (const [key, values] of Object.entries(keys)) condition[operator][key] = list(values).sort()
  }
  return {
    Sid: statement.Sid ?? '',
    Effect: statement.Effect,
    Action: list(statement.Action).sort(),
    Resource: list(statement.Resource).sort(),
    Condition: condition
  }
}

const expected = loadPolicy().Statement.map(comparable)

/** Writes an example's interpolations back as the policy's placeholders; anything else is kept. */
function placeholders(text: string, names: Record<string, string>): string {
  let out = text
  for (const [interpolation, placeholder] of Object.entries(names)) {
    out = out.split(interpolation).join(placeholder)
  }
  return out
}

// --- CloudFormation ---------------------------------------------------------------------------

/** CloudFormation's short forms, read as the long forms (`!Ref X` is `{ Ref: X }`). */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Condition'
]
const longForm = (name: string): string =>
  name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
const cloudFormationTags: Array<ScalarTag | CollectionTag> = ['Ref', ...FUNCTIONS].flatMap(
  (name) => {
    const key = longForm(name)
    const scalar: ScalarTag = {
      tag: `!${name}`,
      resolve: (value: string) =>
        // `!GetAtt Resource.Attribute` is the short form of `Fn::GetAtt: [Resource, Attribute]`
        ({ [key]: name === 'GetAtt' ? value.split(/\.(.*)/s).slice(0, 2) : value })
    }
    const seq: CollectionTag = {
      tag: `!${name}`,
      collection: 'seq',
      nodeClass: YAMLSeq,
      resolve: (value) => ({ [key]: (value as YAMLSeq).toJSON() }) as unknown as YAMLSeq
    }
    const map: CollectionTag = {
      tag: `!${name}`,
      collection: 'map',
      nodeClass: YAMLMap,
      resolve: (value) => ({ [key]: (value as YAMLMap).toJSON() }) as unknown as YAMLMap
    }
    return [scalar, seq, map]
  }
)

interface Template {
  AWSTemplateFormatVersion: string
  Parameters: Record<string, Json>
  Conditions: Record<string, unknown>
  Resources: Record<string, { Type: string; Properties?: Json; Condition?: string }>
  Outputs: Record<string, Json>
}

function loadTemplate(): Template {
  const document = parseDocument(read('examples/cloudformation/blue-green.yaml'), {
    customTags: cloudFormationTags
  })
  if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('\n'))
  if (document.warnings.length > 0) {
    throw new Error(document.warnings.map((w) => w.message).join('\n'))
  }
  return document.toJS() as Template
}

/** The names a template's `!Ref` / `!GetAtt` / `${...}` may use: parameters, resources, pseudo parameters. */
function referencesOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => referencesOf(v, out))
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') out.push(inner)
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) out.push(String(inner[0]))
      else if (key === 'Fn::Sub' && typeof inner === 'string') {
        for (const m of inner.matchAll(/\$\{([^}!][^}]*)\}/g)) out.push(m[1]!.split('.')[0]!)
      } else referencesOf(inner, out)
    }
  }
  return out
}

describe('examples/cloudformation/blue-green.yaml', () => {
  const template = loadTemplate()
  const resources = template.Resources
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type)

  it('parses as YAML with the short-form tags, as a template', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09')
    expect(Object.keys(resources).length).toBeGreaterThan(10)
    for (const [name, resource] of Object.entries(resources)) {
      expect([name, typeof resource.Type]).toEqual([name, 'string'])
      expect([name, /^AWS::\w+::\w+$/.test(resource.Type)]).toEqual([name, true])
    }
  })

  it('refers only to its parameters, resources, conditions and pseudo parameters', () => {
    const known = new Set([
      ...Object.keys(template.Parameters),
      ...Object.keys(resources),
      'AWS::Region',
      'AWS::AccountId',
      'AWS::Partition',
      'AWS::StackName'
    ])
    const unknown = referencesOf({ resources, outputs: template.Outputs }).filter(
      (name) => !known.has(name)
    )
    expect(unknown).toEqual([])
    for (const [name, resource] of Object.entries(resources)) {
      if (resource.Condition)
        expect([name, resource.Condition in template.Conditions]).toEqual([name, true])
    }
  })

  it('builds the pair: a cluster, two Fargate services on two target groups, a listener forwarding 100/0', () => {
    expect(ofType('AWS::ECS::Cluster')).toHaveLength(1)
    const services = ofType('AWS::ECS::Service').map(([, r]) => r.Properties!)
    expect(services).toHaveLength(2)
    expect(services.map((s) => s.LaunchType)).toEqual(['FARGATE', 'FARGATE'])
    const groups = services.map((s) => (s.LoadBalancers as Json[])[0]!.TargetGroupArn)
    expect(groups).toEqual([{ Ref: 'BlueTargetGroup' }, { Ref: 'GreenTargetGroup' }])
    expect(services.map((s) => s.DesiredCount)).toEqual([{ Ref: 'DesiredCount' }, 0])
    expect(ofType('AWS::ElasticLoadBalancingV2::TargetGroup')).toHaveLength(2)
    const [listener] = ofType('AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => r.Properties!)
    expect((listener!.DefaultActions as Json[])[0]).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: { Ref: 'BlueTargetGroup' }, Weight: 100 },
          { TargetGroupArn: { Ref: 'GreenTargetGroup' }, Weight: 0 }
        ]
      }
    })
    // auto scaling is optional: every piece of it hangs on one condition
    const scaling = [
      ...ofType('AWS::ApplicationAutoScaling::ScalableTarget'),
      ...ofType('AWS::ApplicationAutoScaling::ScalingPolicy')
    ]
    expect(scaling.length).toBe(4)
    expect(scaling.every(([, r]) => r.Condition === 'AutoScaling')).toBe(true)
    // the first revision survives a replacement: a service may still run it
    expect(resources.TaskDefinition).toMatchObject({ UpdateReplacePolicy: 'Retain' })
  })

  it('lets GitHub OIDC assume the deploy role, for one repository', () => {
    const trust = resources.DeployRole!.Properties!.AssumeRolePolicyDocument as {
      Statement: Json[]
    }
    expect(trust.Statement[0]).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': {
            'Fn::Sub': 'repo:${GitHubRepository}:environment:${GitHubEnvironment}'
          }
        }
      }
    })
  })

  it("grants the deploy role exactly iam/policy.json's statements", () => {
    const [policy] = resources.DeployRole!.Properties!.Policies as Array<{
      PolicyDocument: { Statement: Statement[] }
    }>
    const names = {
      '${AWS::Region}': '<region>',
      '${AWS::AccountId}': '<account-id>',
      '${Cluster}': '<cluster>',
      '${LoadBalancer.LoadBalancerName}': '<load-balancer>',
      '${TaskRole}': '<task-role>',
      '${ExecutionRole}': '<execution-role>'
    }
    const plain = (value: unknown): unknown => {
      if (value && typeof value === 'object' && 'Fn::Sub' in value) {
        return placeholders(String((value as Json)['Fn::Sub']), names)
      }
      if (Array.isArray(value)) return value.map(plain)
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
      }
      return value
    }
    const statements = (plain(policy!.PolicyDocument.Statement) as Statement[]).map(comparable)
    expect(JSON.stringify(statements)).not.toContain('${')
    expect(statements).toEqual(expected)
  })
})

// --- Terraform --------------------------------------------------------------------------------

interface HclStatement {
  sid: string
  effect: string
  actions: string[]
  resources: string[]
  condition?: Array<{ test: string; variable: string; values: string[] }>
}

type HclBlocks = Record<string, Record<string, Json[]>>

async function loadTerraform(file: string): Promise<Json> {
  return (await parseHcl(file, read(`examples/terraform/${file}`))) as Json
}

describe('examples/terraform', () => {
  let main: { resource: HclBlocks; data: HclBlocks; variable?: unknown }
  let variables: { variable: Record<string, Json[]> }
  let outputs: { output: Record<string, Json[]> }

  beforeAll(async () => {
    main = (await loadTerraform('main.tf')) as typeof main
    variables = (await loadTerraform('variables.tf')) as typeof variables
    outputs = (await loadTerraform('outputs.tf')) as typeof outputs
  })

  it('parses as HCL (and the parser refuses broken HCL)', async () => {
    expect(Object.keys(main)).toEqual(
      expect.arrayContaining(['terraform', 'provider', 'resource', 'data'])
    )
    await expect(parseHcl('broken.tf', 'resource "x" "y" {\n  a = "unclosed\n')).rejects.toThrow()
  })

  it('uses only variables that variables.tf declares', () => {
    const declared = new Set(Object.keys(variables.variable))
    const used = [...read('examples/terraform/main.tf').matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!)
    const outputUses = [...read('examples/terraform/outputs.tf').matchAll(/\bvar\.(\w+)/g)].map(
      (m) => m[1]!
    )
    expect([...new Set([...used, ...outputUses])].filter((name) => !declared.has(name))).toEqual([])
    expect(Object.keys(outputs.output)).toEqual(
      expect.arrayContaining(['cluster', 'services', 'listener', 'deploy_role_arn'])
    )
  })

  it('builds the pair: two Fargate services on two target groups, a listener forwarding 100/0', () => {
    const services = main.resource.aws_ecs_service!
    expect(Object.keys(services).sort()).toEqual(['blue', 'green'])
    for (const side of ['blue', 'green']) {
      const service = services[side]![0]!
      expect(service.launch_type).toBe('FARGATE')
      expect((service.load_balancer as Json[])[0]!.target_group_arn).toBe(
        `\${aws_lb_target_group.side["${side}"].arn}`
      )
    }
    expect(services.green![0]!.desired_count).toBe(0)
    const listener = main.resource.aws_lb_listener!.this![0]!
    const forward = (listener.default_action as Json[])[0]!
    expect(forward.type).toBe('forward')
    const groups = ((forward.forward as Json[])[0]!.target_group as Json[]).map((g) => [
      g.arn,
      g.weight
    ])
    expect(groups).toEqual([
      ['${aws_lb_target_group.side["blue"].arn}', 100],
      ['${aws_lb_target_group.side["green"].arn}', 0]
    ])
  })

  it('leaves to the action what the action changes', () => {
    const ignored = (block: Json): string[] =>
      ((block.lifecycle as Json[] | undefined)?.[0]?.ignore_changes as string[] | undefined) ?? []
    expect(ignored(main.resource.aws_lb_listener!.this![0]!)).toEqual(['${default_action}'])
    for (const side of ['blue', 'green']) {
      expect(ignored(main.resource.aws_ecs_service![side]![0]!)).toEqual([
        '${task_definition}',
        '${desired_count}'
      ])
    }
    expect(ignored(main.resource.aws_appautoscaling_target!.side![0]!)).toEqual([
      '${min_capacity}',
      '${max_capacity}',
      '${suspended_state}'
    ])
    expect(main.resource.aws_ecs_task_definition!.initial![0]!.skip_destroy).toBe(true)
  })

  it('lets GitHub OIDC assume the deploy role', () => {
    const trust = main.data.aws_iam_policy_document!.github_trust![0]!.statement as Json[]
    expect(trust[0]!.actions).toEqual(['sts:AssumeRoleWithWebIdentity'])
    const variablesUsed = (trust[0]!.condition as Json[]).map((c) => c.variable)
    expect(variablesUsed).toEqual([
      'token.actions.githubusercontent.com:aud',
      'token.actions.githubusercontent.com:sub'
    ])
    expect(main.resource.aws_iam_role_policy!.deploy![0]!.policy).toBe(
      '${data.aws_iam_policy_document.deploy.json}'
    )
  })

  it("grants the deploy role exactly iam/policy.json's statements", () => {
    const names = {
      '${local.region}': '<region>',
      '${local.account_id}': '<account-id>',
      '${aws_ecs_cluster.this.name}': '<cluster>',
      '${aws_lb.this.name}': '<load-balancer>',
      '${aws_iam_role.task.name}': '<task-role>',
      '${aws_iam_role.execution.name}': '<execution-role>'
    }
    const found = main.data.aws_iam_policy_document!.deploy![0]!
      .statement as unknown as HclStatement[]
    const statements = found.map((s) => {
      const condition: Record<string, Record<string, string[]>> = {}
      for (const c of s.condition ?? []) {
        condition[c.test] = { ...condition[c.test], [c.variable]: c.values }
      }
      return comparable(
        JSON.parse(
          placeholders(
            JSON.stringify({
              Sid: s.sid,
              Effect: s.effect,
              Action: s.actions,
              Resource: s.resources,
              ...(s.condition ? { Condition: condition } : {})
            }),
            names
          )
        ) as Statement
      )
    })
    expect(JSON.stringify(statements)).not.toContain('${')
    expect(statements).toEqual(expected)
  })
})
