import { invalid, optionalObject, type Params } from './params.js'

/** AwsVpcConfiguration (API reference): 1-16 subnets, at most 5 security groups. */
const MAX_SUBNETS = 16
const MAX_SECURITY_GROUPS = 5
const PUBLIC_IP = ['ENABLED', 'DISABLED']

function strings(params: Params, key: string): string[] {
  const value = params[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalid(`${key} must be a list of strings.`)
  }
  return value
}

/** The awsvpcConfiguration of a networkConfiguration, when there is one, checked as ECS does. */
export function checkAwsvpcConfiguration(network: Params | undefined): void {
  const awsvpc = network ? optionalObject(network, 'awsvpcConfiguration') : undefined
  if (!awsvpc) return
  const subnets = strings(awsvpc, 'subnets')
  if (subnets.length === 0) throw invalid('subnets can not be empty.')
  if (subnets.length > MAX_SUBNETS) throw invalid(`subnets can have at most ${MAX_SUBNETS} items.`)
  const groups = strings(awsvpc, 'securityGroups')
  if (groups.length > MAX_SECURITY_GROUPS) {
    throw invalid(`securityGroups can have at most ${MAX_SECURITY_GROUPS} items.`)
  }
  const publicIp = awsvpc.assignPublicIp
  if (publicIp !== undefined && !PUBLIC_IP.includes(String(publicIp))) {
    throw invalid(
      `1 validation error detected: Value '${String(publicIp)}' at 'networkConfiguration.awsvpcConfiguration.assignPublicIp' failed to satisfy constraint: Member must satisfy enum value set: [${PUBLIC_IP.join(', ')}]`
    )
  }
}
