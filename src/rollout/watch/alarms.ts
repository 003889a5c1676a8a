import type { AlarmView } from '../ports.js'

export type AlarmsAtStart =
  { kind: 'clear'; ignoring: string[]; notes: string[] } | { kind: 'blocked'; reason: string }

/**
 * The alarms as the run starts. A name CloudWatch does not know is refused (a typo would
 * otherwise watch nothing); one already in ALARM either blocks the start or is ignored until it
 * has been OK once, as alarms-at-start says. Pure.
 */
export function alarmsAtStart(
  names: string[],
  seen: AlarmView[],
  mode: 'block' | 'ignore-until-ok'
): AlarmsAtStart {
  const missing = names.filter((name) => !seen.some((alarm) => alarm.name === name))
  if (missing.length > 0) {
    return {
      kind: 'blocked',
      reason:
        `CloudWatch has no metric alarm named ${missing.map((name) => `'${name}'`).join(', ')} ` +
        'in this region (input alarms)'
    }
  }
  const firing = seen.filter((alarm) => alarm.state === 'ALARM')
  if (firing.length === 0) return { kind: 'clear', ignoring: [], notes: [] }
  if (mode === 'block') {
    return {
      kind: 'blocked',
      reason:
        `${firingWords(firing)} before the rollout started; set alarms-at-start: ` +
        'ignore-until-ok to deploy anyway and watch it once it has recovered'
    }
  }
  return {
    kind: 'clear',
    ignoring: firing.map((alarm) => alarm.name),
    notes: firing.map(
      (alarm) => `${alarm.name} was in ALARM at the start (${alarm.reason}): ignored until it is OK`
    )
  }
}

export interface AlarmPoll {
  /** the alarms that fail the run now */
  firing: AlarmView[]
  /** still ignored: in ALARM since the start and not yet OK */
  ignoring: string[]
  /** ignored until now, OK now: watched from here on */
  recovered: string[]
}

/**
 * One read of the alarms during the run. INSUFFICIENT_DATA is not a failure (an alarm on a
 * quiet metric sits there), and it does not count as recovered either. An alarm that vanished
 * since the start is not a failure of the release. Pure.
 */
export function judgeAlarms(seen: AlarmView[], ignoring: string[]): AlarmPoll {
  const recovered = ignoring.filter((name) =>
    seen.some((alarm) => alarm.name === name && alarm.state === 'OK')
  )
  const still = ignoring.filter((name) => !recovered.includes(name))
  const firing = seen.filter((alarm) => alarm.state === 'ALARM' && !still.includes(alarm.name))
  return { firing, ignoring: still, recovered }
}

/** "alarm 'api-5xx' is in ALARM: Threshold Crossed: ..." */
export function firingWords(firing: AlarmView[]): string {
  const one = (alarm: AlarmView): string =>
    `alarm '${alarm.name}' is in ALARM${alarm.reason ? `: ${alarm.reason}` : ''}`
  return firing.map(one).join('; ')
}
