import * as core from '@actions/core'

/**
 * The main step and the `post:` step run the same bundle; saved state tells them apart. This
 * module is imported first, before the AWS SDK loads, so the mark is saved within milliseconds
 * of the main step's start: a main step killed while still loading must not leave a post step
 * that thinks it is the main one and deploys again.
 */
export const isPostStep = core.getState('isPost') === 'true'
if (!isPostStep) core.saveState('isPost', 'true')
