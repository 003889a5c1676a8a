import { InputError } from '../rollout/errors.js'
import type { KeyValue } from '../rollout/ports.js'
import { checkImageReference } from './image.js'
import { quote } from './quote.js'
import type { ContainerImage, SecretRef } from './render.js'

/**
 * The render inputs the official amazon-ecs-render-task-definition action has, parsed and
 * checked before anything talks to AWS. Every problem is an InputError naming the input.
 */

const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/
const SHOWN = 60
/** ECS accepts these log drivers in a container's logConfiguration (API reference: LogConfiguration) */
export const LOG_DRIVERS = [
  'awslogs',
  'awsfirelens',
  'splunk',
  'fluentd',
  'gelf',
  'json-file',
  'journald',
  'syslog'
] as const
const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\u0021-\u007E]{0,510}\/)?([\w+=,.@-]{1,64})$/
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/
const SECRET_ARN = /^arn:(aws|aws-cn|aws-us-gov):(secretsmanager|ssm):[a-z0-9-]+:\d{12}:\S+$/

interface Line {
  number: number
  key: string
  value: string
}

/** `KEY=VALUE` lines: blank lines and lines starting with # skipped, split at the first '='. */
function keyValueLines(input: string, text: string, form: string): Line[] {
  const lines: Line[] = []
  const seen = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    const number = index + 1
    if (line === '' || line.startsWith('#')) return
    const equals = line.indexOf('=')
    if (equals < 0) {
      throw new InputError(
        input,
        `line ${number} ${quote(line, SHOWN)} has no '='; each line is ${form}`
      )
    }
    const key = line.slice(0, equals).trim()
    if (key === '' || /\s/.test(key)) {
      throw new InputError(
        input,
        `line ${number} ${quote(line, SHOWN)} has ${key === '' ? 'an empty key' : 'a key with spaces'}; each line is ${form}`
      )
    }
    const first = seen.get(key)
    if (first !== undefined) {
      throw new InputError(
        input,
        `line ${number} sets ${quote(key, SHOWN)} again (first set on line ${first}); each key may appear once`
      )
    }
    seen.set(key, number)
    lines.push({ number, key, value: line.slice(equals + 1).trim() })
  })
  return lines
}

/** `images`: one `container=image` a line. */
export function parseImages(text: string): ContainerImage[] {
  const form = 'container=image, e.g. "web=123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2"'
  return keyValueLines('images', text, form).map(({ number, key, value }) => {
    if (!CONTAINER_NAME.test(key)) {
      throw new InputError(
        'images',
        `line ${number}: ${quote(key, SHOWN)} is not a container name (1-255 letters, digits, hyphens or underscores); each line is ${form}`
      )
    }
    checkImageReference(value, 'images', `line ${number} (container ${quote(key)}): `)
    return { container: key, image: value }
  })
}

/** `secrets`: one `NAME=valueFrom` a line; valueFrom is a Secrets Manager or SSM parameter ARN, or a parameter name. */
export function parseSecrets(text: string): SecretRef[] {
  const form =
    'NAME=valueFrom, where valueFrom is the ARN of a Secrets Manager secret or of an SSM ' +
    'parameter (or the name of a parameter in the same region), e.g. ' +
    '"DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"'
  return keyValueLines('secrets', text, form).map(({ number, key, value }) => {
    if (!VARIABLE.test(key)) {
      throw new InputError(
        'secrets',
        `line ${number}: ${quote(key, SHOWN)} is not an environment variable name (letters, digits and underscores, not starting with a digit); each line is ${form}`
      )
    }
    const valid = value.startsWith('arn:') ? SECRET_ARN.test(value) : PARAMETER_NAME.test(value)
    if (!valid) {
      throw new InputError(
        'secrets',
        `line ${number}: ${quote(value, 200)} is ${value === '' ? 'empty' : 'not a secret reference'}; each line is ${form}`
      )
    }
    return { name: key, valueFrom: value }
  })
}

/**
 * `container-command`: the official render action's `command`, split at spaces into the
 * container's command; a JSON array of strings (`["sh", "-c", "npm run serve"]`) is taken as it
 * is, for arguments that contain spaces. Empty: unset.
 */
export function parseCommand(text: string): string[] | undefined {
  if (text === '') return undefined
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((item) => typeof item === 'string')
    ) {
      throw new InputError(
        'container-command',
        `${quote(text, 200)} starts with '[' but is not a JSON array of strings; write the ` +
          'command with spaces between its words (e.g. "npm run serve"), or as a JSON array ' +
          '(e.g. \'["sh", "-c", "npm run serve"]\')'
      )
    }
    return parsed as string[]
  }
  return text.split(/\s+/).filter((word) => word !== '')
}

/** `docker-labels` and `log-configuration-options`: `KEY=VALUE` lines. */
export function parseKeyValues(
  input: 'docker-labels' | 'log-configuration-options',
  text: string
): KeyValue[] {
  const example =
    input === 'docker-labels' ? '"com.example.team=payments"' : '"awslogs-group=/ecs/web"'
  return keyValueLines(input, text, `KEY=VALUE, e.g. ${example}`).map(({ key, value }) => ({
    name: key,
    value
  }))
}

export function parseLogDriver(text: string): string | undefined {
  if (text === '') return undefined
  const driver = LOG_DRIVERS.find((known) => known === text)
  if (driver) return driver
  throw new InputError(
    'log-configuration-log-driver',
    `${quote(text, SHOWN)} is not a log driver ECS accepts; use one of ${LOG_DRIVERS.join(', ')} ` +
      '(on Fargate: awslogs, splunk or awsfirelens)'
  )
}

export function parseRoleArn(
  input: 'task-role-arn' | 'execution-role-arn',
  text: string
): string | undefined {
  if (text === '') return undefined
  if (ROLE_ARN.test(text)) return text
  throw new InputError(
    input,
    `${quote(text, 200)} is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name>, ` +
      'e.g. "arn:aws:iam::123456789012:role/web-task"'
  )
}
