import { InputError } from '../rollout/errors.js'
import { quote } from './quote.js'

/** `family:revision`, as ECS names a revision (families are 1-255 letters, digits, '_' or '-') */
const FAMILY_REVISION = /^([A-Za-z0-9_-]{1,255}):(\d{1,10})$/
const TASK_DEFINITION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):ecs:([a-z0-9-]+):(\d{12}):task-definition\/([A-Za-z0-9_-]{1,255}):(\d{1,10})$/
const BARE_FAMILY = /^[A-Za-z0-9_-]{1,255}$/
export const REVISION_FORMS =
  'an existing revision as family:revision (e.g. "web:42") or as its ARN ' +
  '(arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>)'

/** An existing task definition revision that `task-definition` names. */
export interface RevisionRef {
  /** as given: what DescribeTaskDefinition is asked for */
  ref: string
  family: string
  revision: number
  /** the region of an ARN; undefined for family:revision (the action's region) */
  region?: string
}

/**
 * What `task-definition` names: an existing revision (an ARN, or `family:revision`), or else
 * undefined: a path to a JSON file. A value that starts like an ARN but is not a task definition
 * revision's is refused here, so that it is never read as a file name.
 */
export function parseRevisionRef(text: string, region?: string): RevisionRef | undefined {
  if (text.startsWith('arn:')) {
    const match = TASK_DEFINITION_ARN.exec(text)
    if (!match) {
      throw new InputError(
        'task-definition',
        `${quote(text, 200)} is not the ARN of a task definition revision; give ${REVISION_FORMS}, ` +
          'or the path of a task definition JSON file'
      )
    }
    const [, , arnRegion = '', , family = '', revision = ''] = match
    if (region !== undefined && arnRegion !== region) {
      throw new InputError(
        'task-definition',
        `${quote(text, 200)} is in region ${quote(arnRegion)}, but the action works in region ` +
          `${quote(region)}; a service runs only revisions of its own region`
      )
    }
    return { ref: text, family, revision: checkedRevision(text, revision), region: arnRegion }
  }
  const match = FAMILY_REVISION.exec(text)
  if (!match) return undefined
  const [, family = '', revision = ''] = match
  return { ref: text, family, revision: checkedRevision(text, revision) }
}

function checkedRevision(text: string, digits: string): number {
  const revision = Number(digits)
  if (revision < 1) {
    throw new InputError(
      'task-definition',
      `${quote(text, 200)} names revision ${digits}; revisions are numbered from 1`
    )
  }
  return revision
}

/** A hint for a task-definition file that does not exist, when the value looks like a family. */
export function familyHint(text: string): string {
  return BARE_FAMILY.test(text)
    ? `; to deploy a revision of family ${quote(text)}, give "${text}:<revision>"`
    : ''
}
