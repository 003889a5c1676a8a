import { invalidValue, objectList, optionalString, type Params, requiredString } from './params.js'

/**
 * What PutMetricAlarm and PutCompositeAlarm take as names, descriptions and tags (API
 * reference): AlarmName 1-255 characters of UTF-8 without ASCII control characters,
 * AlarmDescription up to 1024, tag keys 1-128 and values 0-256 characters. The emulator keeps no
 * alarm tags (the action sets none); it checks them so that a request it accepts is one AWS
 * takes too. The messages are our wording, in the style of the emulator's other CloudWatch ones.
 */
export const MAX_NAME = 255
export const MAX_DESCRIPTION = 1024
const MAX_TAG_KEY = 128
const MAX_TAG_VALUE = 256
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

export function readAlarmName(params: Params): string {
  const name = requiredString(params, 'AlarmName')
  if (name.length > MAX_NAME) {
    throw invalidValue(`The parameter AlarmName must be at most ${MAX_NAME} characters.`)
  }
  if (CONTROL.test(name)) {
    throw invalidValue('The parameter AlarmName must not contain ASCII control characters.')
  }
  return name
}

export function readAlarmDescription(params: Params): string | undefined {
  const description = optionalString(params, 'AlarmDescription')
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    throw invalidValue(
      `The parameter AlarmDescription must be at most ${MAX_DESCRIPTION} characters.`
    )
  }
  return description
}

export function checkAlarmTags(params: Params): void {
  for (const tag of objectList(params, 'Tags')) {
    const key = optionalString(tag, 'Key') ?? ''
    const value = optionalString(tag, 'Value')
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw invalidValue(`A tag key must be 1 to ${MAX_TAG_KEY} characters.`)
    }
    if (value === undefined) throw invalidValue(`The tag ${key} needs a Value.`)
    if (value.length > MAX_TAG_VALUE) {
      throw invalidValue(`The value of tag ${key} must be at most ${MAX_TAG_VALUE} characters.`)
    }
  }
}
