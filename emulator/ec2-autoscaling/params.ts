/**
 * EC2 Auto Scaling speaks AWS Query, as ELBv2 does: every scalar arrives as a string and AWS's
 * validation messages have the same shape, so the readers are ELBv2's.
 */
export {
  notNull,
  object,
  objectList,
  optionalBool,
  optionalInt,
  optionalString,
  type Params,
  requiredString,
  stringList,
  validationError
} from '../elbv2/params.js'
