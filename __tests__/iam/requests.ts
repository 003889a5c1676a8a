/**
 * What IAM authorizes for one logged AWS call: the operation's own action on the resource it
 * names, plus the actions AWS also checks for some operations (the Service Authorization
 * Reference's operations table): ecs:TagResource and elasticloadbalancing:AddTags when a create
 * call carries tags, iam:PassRole when a task definition or service names a role.
 */
import type { CallRecord } from '../../emulator/control/call-log.js'
import type { IamRequest } from './policy.js'

/** The IAM prefix of each emulated service. */
export const IAM_PREFIX: Record<string, string> = {
  ecs: 'ecs',
  elbv2: 'elasticloadbalancing',
  cloudwatch: 'cloudwatch',
  'application-autoscaling': 'application-autoscaling'
}

type Params = Record<string, unknown>

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0
/** where a new resource's id would go: the policy matches it with `*` */
const NEW_ID = '0000000000000000'

export function iamRequestsOf(call: CallRecord, account: string): IamRequest[] {
  const prefix = IAM_PREFIX[call.service]
  if (!prefix) throw new Error(`the IAM check does not know service ${call.service}`)
  const action = `${prefix}:${call.operation}`
  const params = call.params as Params
  if (call.service === 'ecs')
    return ecsRequests(action, call.operation, params, call.region, account)
  if (call.service === 'elbv2') {
    return elbRequests(action, call.operation, params, call.region, account)
  }
  if (call.service === 'application-autoscaling' && /^(Register|Put)/.test(call.operation)) {
    // a scalable target's ARN is an opaque id the call does not carry: any target of the account
    const target = `arn:aws:application-autoscaling:${call.region}:${account}:scalable-target/${NEW_ID}`
    return [{ action, resource: target, context: {} }]
  }
  if (call.service === 'cloudwatch' && call.operation === 'DescribeAlarms') {
    const names = items(params.AlarmNames).map(String)
    const alarm = (name: string) => `arn:aws:cloudwatch:${call.region}:${account}:alarm:${name}`
    if (names.length > 0)
      return names.map((name) => ({ action, resource: alarm(name), context: {} }))
  }
  return [{ action, resource: '*', context: {} }]
}

function ecsRequests(
  action: string,
  operation: string,
  params: Params,
  region: string,
  account: string
): IamRequest[] {
  const arn = (resource: string): string => `arn:aws:ecs:${region}:${account}:${resource}`
  const clusterGiven = text(params.cluster) ?? 'default'
  const clusterArn = clusterGiven.startsWith('arn:') ? clusterGiven : arn(`cluster/${clusterGiven}`)
  const cluster = clusterArn.slice(clusterArn.lastIndexOf('/') + 1)
  const service = (name: string): string =>
    name.startsWith('arn:') ? name : arn(`service/${cluster}/${name}`)
  const on = (resource: string, context: Record<string, string> = {}): IamRequest => ({
    action,
    resource,
    context: { 'ecs:cluster': clusterArn, ...context }
  })
  const passRole = (role: string, to: string): IamRequest => ({
    action: 'iam:PassRole',
    resource: role.startsWith('arn:') ? role : `arn:aws:iam::${account}:role/${role}`,
    context: { 'iam:PassedToService': to }
  })
  const tagOnCreate = (resource: string): IamRequest => ({
    action: 'ecs:TagResource',
    resource,
    context: { 'ecs:CreateAction': operation }
  })

  switch (operation) {
    case 'UpdateService':
    case 'DeleteService':
      return [on(service(text(params.service) ?? ''))]
    case 'CreateService': {
      const created = service(text(params.serviceName) ?? '')
      const role = text(params.role)
      return [
        on(created),
        ...(nonEmpty(params.tags) ? [tagOnCreate(created)] : []),
        ...(role ? [passRole(role, 'ecs.amazonaws.com')] : [])
      ]
    }
    case 'DescribeServices':
      return items(params.services).map((name) => on(service(String(name))))
    case 'ListServiceDeployments':
      return [on(service(text(params.service) ?? ''))]
    // a service deployment's ARN: service-deployment/<cluster>/<service>/<id>
    case 'DescribeServiceDeployments':
      return items(params.serviceDeploymentArns).map((each) => on(String(each)))
    case 'ContinueServiceDeployment':
    case 'StopServiceDeployment':
      return [on(text(params.serviceDeploymentArn) ?? '')]
    case 'DescribeTasks':
      return items(params.tasks).map((task) => {
        const id = String(task)
        return on(id.startsWith('arn:') ? id : arn(`task/${cluster}/${id}`))
      })
    case 'RegisterTaskDefinition': {
      const revision = arn(`task-definition/${text(params.family) ?? ''}:${NEW_ID}`)
      const roles = [text(params.taskRoleArn), text(params.executionRoleArn)].filter(
        (role): role is string => role !== undefined
      )
      return [
        { action, resource: revision, context: {} },
        ...(nonEmpty(params.tags) ? [tagOnCreate(revision)] : []),
        ...roles.map((role) => passRole(role, 'ecs-tasks.amazonaws.com'))
      ]
    }
    case 'RunTask': {
      // the task definition, in the cluster the task runs in; the roles of an override passed
      const ref = text(params.taskDefinition) ?? ''
      const definition = ref.startsWith('arn:') ? ref : arn(`task-definition/${ref}`)
      const overrides = (params.overrides ?? {}) as Params
      const roles = [text(overrides.taskRoleArn), text(overrides.executionRoleArn)].filter(
        (role): role is string => role !== undefined
      )
      return [
        on(definition),
        ...(nonEmpty(params.tags) ? [tagOnCreate(arn(`task/${cluster}/${NEW_ID}`))] : []),
        ...roles.map((role) => passRole(role, 'ecs-tasks.amazonaws.com'))
      ]
    }
    case 'StopTask': {
      const id = text(params.task) ?? ''
      return [on(id.startsWith('arn:') ? id : arn(`task/${cluster}/${id}`))]
    }
    case 'TagResource':
    case 'UntagResource':
      return [{ action, resource: text(params.resourceArn) ?? '', context: {} }]
    case 'ListServices':
    case 'ListTasks':
      return [on('*')]
    case 'ListContainerInstances':
      return [on(clusterArn)]
    case 'DescribeContainerInstances':
      return items(params.containerInstances).map((instance) => {
        const id = String(instance)
        return on(id.startsWith('arn:') ? id : arn(`container-instance/${cluster}/${id}`))
      })
    case 'DescribeCapacityProviders':
      return items(params.capacityProviders).map((provider) => {
        const name = String(provider)
        return on(name.startsWith('arn:') ? name : arn(`capacity-provider/${name}`))
      })
    default:
      // Describe/List calls without resource-level permissions, and DeregisterTaskDefinition
      return [{ action, resource: '*', context: {} }]
  }
}

function elbRequests(
  action: string,
  operation: string,
  params: Params,
  region: string,
  account: string
): IamRequest[] {
  const on = (resource: unknown, context: Record<string, string> = {}): IamRequest => ({
    action,
    resource: text(resource) ?? '',
    context
  })
  const addTagsOnCreate = (resource: string): IamRequest => ({
    action: 'elasticloadbalancing:AddTags',
    resource,
    context: { 'elasticloadbalancing:CreateAction': operation }
  })
  switch (operation) {
    case 'ModifyListener':
      return [on(params.ListenerArn)]
    case 'ModifyRule':
    case 'DeleteRule':
      return [on(params.RuleArn)]
    case 'CreateRule': {
      const listener = text(params.ListenerArn) ?? ''
      const rule = `${listener.replace(':listener/', ':listener-rule/')}/${NEW_ID}`
      return [on(listener), ...(nonEmpty(params.Tags) ? [addTagsOnCreate(rule)] : [])]
    }
    case 'CreateTargetGroup': {
      const group = `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${text(params.Name) ?? ''}/${NEW_ID}`
      return [on(group), ...(nonEmpty(params.Tags) ? [addTagsOnCreate(group)] : [])]
    }
    case 'DeleteTargetGroup':
    case 'ModifyTargetGroup':
    case 'ModifyTargetGroupAttributes':
    case 'RegisterTargets':
    case 'DeregisterTargets':
      return [on(params.TargetGroupArn)]
    case 'AddTags':
    case 'RemoveTags':
      return items(params.ResourceArns).map((arn) => on(arn))
    default:
      if (/^Describe/.test(operation)) return [on('*')]
      // a write this check cannot place: refused, so that the message asks for the mapping
      return [{ action, resource: `(resource of ${operation} unknown)`, context: {} }]
  }
}
