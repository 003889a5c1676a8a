import { randomBytes, randomInt } from 'node:crypto'
import { ecsArn } from '../ids.js'
import type { Service } from '../state.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

function token(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')
}

/** `arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<21 characters>` */
export function serviceDeploymentArn(service: Service): string {
  return ecsArn(
    service.cluster,
    `service-deployment/${service.cluster.name}/${service.name}/${token(21)}`
  )
}

/** `arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<19 digits>` */
export function serviceRevisionArn(service: Service): string {
  let digits = String(randomInt(1, 10))
  while (digits.length < 19) digits += String(randomInt(0, 10))
  return ecsArn(
    service.cluster,
    `service-revision/${service.cluster.name}/${service.name}/${digits}`
  )
}

/** `ecs-pause-...` for a PAUSE hook, as the developer guide shows; `ecs-lambda-...` for a Lambda one */
export function hookId(targetType: string): string {
  return `${targetType === 'PAUSE' ? 'ecs-pause' : 'ecs-lambda'}-${token(43)}`
}
