import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CallRecord } from '../../emulator/control/call-log.js'
import { policyProblems } from './check.js'
import { actionsOf, allows, fillPlaceholders, loadPolicy, type IamRequest } from './policy.js'
import { neededActions } from './source.js'

const policy = loadPolicy()
const ACCOUNT = '123456789012'
const values = {
  region: 'eu-west-1',
  'account-id': ACCOUNT,
  cluster: 'production',
  'load-balancer': 'web',
  'task-role': 'web-task',
  'execution-role': 'ecsTaskExecutionRole'
}
const filled = fillPlaceholders(policy, values)
const ecs = (resource: string): string => `arn:aws:ecs:eu-west-1:${ACCOUNT}:${resource}`
const elb = (resource: string): string =>
  `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:${resource}`
const request = (
  action: string,
  resource: string,
  context: Record<string, string> = {}
): IamRequest => ({ action, resource, context })

/**
 * Actions for which the Service Authorization Reference lists no usable resource type, so `*` is
 * the only Resource that works (ListServices and ListTasks are narrowed by ecs:cluster instead).
 */
const NO_RESOURCE_TYPES = new Set([
  'ecs:DescribeTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:DeregisterTaskDefinition',
  'ecs:ListServices',
  'ecs:ListTasks',
  // its one resource type, dataset, is for OTLP metrics only; classic metrics have none
  'cloudwatch:GetMetricData',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies'
])

describe('iam/policy.json, the least-privilege policy', () => {
  it('allows every IAM action the source of the action can need', () => {
    const allowed = new Set(actionsOf(policy))
    const missing = neededActions().filter((need) => !allowed.has(need.action))
    const messages = [
      ...new Set(missing.map((m) => `${m.because}: add ${m.action} to iam/policy.json`))
    ]
    expect(messages).toEqual([])
  })

  it('allows no IAM action that the source never needs', () => {
    const needed = new Set(neededActions().map((need) => need.action))
    const extra = actionsOf(policy)
      .filter((action) => !needed.has(action))
      .map((action) => `nothing in src/ needs ${action}: remove it from iam/policy.json`)
    expect(extra).toEqual([])
  })

  it('scopes every action to its resources where IAM can', () => {
    const unscoped = policy.Statement.filter((s) => [s.Resource].flat().includes('*'))
      .flatMap((s) => [s.Action].flat())
      .filter(
        (action) => !NO_RESOURCE_TYPES.has(action) && !/^elasticloadbalancing:Describe/.test(action)
      )
    expect(unscoped).toEqual([])
  })

  it('is the policy README.md shows in its IAM section', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## IAM policy'))
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1]
    expect(block).toBeDefined()
    expect(JSON.parse(block ?? '{}')).toEqual(policy)
  })

  it('lets the action change the services of its cluster and no other', () => {
    expect(allows(filled, request('ecs:UpdateService', ecs('service/production/web-green')))).toBe(
      true
    )
    expect(allows(filled, request('ecs:UpdateService', ecs('service/staging/web-green')))).toBe(
      false
    )
    expect(
      allows(
        filled,
        request(
          'ecs:UpdateService',
          `arn:aws:ecs:us-east-1:${ACCOUNT}:service/production/web-green`
        )
      )
    ).toBe(false)
  })

  it('lets it steer the service deployments of its cluster and no other', () => {
    const deployment = (cluster: string) => ecs(`service-deployment/${cluster}/web/r4nd0m1d`)
    for (const action of [
      'ContinueServiceDeployment',
      'StopServiceDeployment',
      'DescribeServiceDeployments'
    ]) {
      expect(allows(filled, request(`ecs:${action}`, deployment('production')))).toBe(true)
      expect(allows(filled, request(`ecs:${action}`, deployment('staging')))).toBe(false)
    }
    expect(
      allows(filled, request('ecs:ListServiceDeployments', ecs('service/production/web')))
    ).toBe(true)
    // a deployment is never steered through a permission on services
    expect(
      allows(filled, request('ecs:StopServiceDeployment', ecs('service/production/web')))
    ).toBe(false)
  })

  it('lets it move traffic on listeners of its load balancer only', () => {
    const listener = 'listener/app/web/0123456789abcdef/fedcba9876543210'
    expect(allows(filled, request('elasticloadbalancing:ModifyListener', elb(listener)))).toBe(true)
    expect(
      allows(
        filled,
        request('elasticloadbalancing:ModifyListener', elb(listener.replace('/web/', '/shop/')))
      )
    ).toBe(false)
    expect(
      allows(
        filled,
        request(
          'elasticloadbalancing:ModifyRule',
          elb(`listener-rule/app/web/0123456789abcdef/fedcba9876543210/0011223344556677`)
        )
      )
    ).toBe(true)
  })

  it('passes the task roles to ECS tasks and to nothing else', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/web-task`
    const to = (service: string) => ({ 'iam:PassedToService': service })
    expect(allows(filled, request('iam:PassRole', role, to('ecs-tasks.amazonaws.com')))).toBe(true)
    expect(allows(filled, request('iam:PassRole', role, to('ec2.amazonaws.com')))).toBe(false)
    expect(
      allows(
        filled,
        request('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, to('ecs-tasks.amazonaws.com'))
      )
    ).toBe(false)
  })

  it('tags services only while creating them, and lists tasks only in its cluster', () => {
    const service = ecs('service/production/web-pr7-0a1b2c3d')
    expect(
      allows(filled, request('ecs:TagResource', service, { 'ecs:CreateAction': 'CreateService' }))
    ).toBe(true)
    expect(allows(filled, request('ecs:TagResource', service))).toBe(false)
    expect(
      allows(filled, request('ecs:ListTasks', '*', { 'ecs:cluster': ecs('cluster/production') }))
    ).toBe(true)
    expect(
      allows(filled, request('ecs:ListTasks', '*', { 'ecs:cluster': ecs('cluster/staging') }))
    ).toBe(false)
  })

  it('names the IAM action and resource to add when a call is not allowed', () => {
    const call: CallRecord = {
      service: 'ecs',
      operation: 'UpdateService',
      mutating: true,
      params: { cluster: 'staging', service: 'web-green', desiredCount: 0 },
      status: 200,
      error: null,
      fault: null,
      region: 'eu-west-1',
      userAgent: 'aws-sdk-js/3 ecs-blue-green-action/0.1',
      at: new Date(0).toISOString()
    }
    expect(policyProblems([call], values)).toEqual([
      expect.stringContaining(
        'needs ecs:UpdateService on arn:aws:ecs:eu-west-1:123456789012:service/staging/web-green'
      )
    ])
    expect(policyProblems([call], values)[0]).toContain(
      'add ecs:UpdateService on arn:aws:ecs:<region>:<account-id>:service/staging/web-green'
    )
    expect(
      policyProblems([{ ...call, params: { ...call.params, cluster: 'production' } }], values)
    ).toEqual([])
  })
})
