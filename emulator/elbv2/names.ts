import { validationError } from './params.js'

/**
 * Load balancer and target group names: 1 to 32 letters, digits and hyphens, not beginning or
 * ending with a hyphen; AWS words the refusal per resource.
 */
export function checkName(name: string, what: 'Load balancer' | 'Target group'): void {
  if (name.length > 32) {
    throw validationError(`${what} name '${name}' cannot be longer than '32' characters`)
  }
  if (!/^[a-zA-Z0-9-]+$/.test(name)) {
    throw validationError(
      `${what} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`
    )
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    throw validationError(`${what} name '${name}' cannot begin or end with '-'`)
  }
  if (what === 'Load balancer' && name.startsWith('internal-')) {
    throw validationError(`Load balancer name '${name}' cannot begin with 'internal-'`)
  }
}

/** the VPC every resource lives in unless the caller names one */
export const DEFAULT_VPC = 'vpc-0e1a2b3c4d5e6f708'
