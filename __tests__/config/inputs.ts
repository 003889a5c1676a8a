import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSettings, type SettingsOptions } from '../../src/config.js'
import type { Settings } from '../../src/rollout/settings.js'

export const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2'
export const RULE =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'
export const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2'

/** The fewest inputs a deploy needs; everything else comes from action.yml's defaults. */
export const MINIMAL: Record<string, string> = {
  cluster: 'production',
  services: 'web-blue,web-green',
  listener: LISTENER,
  image: IMAGE
}

/** parseSettings as main.ts calls it, with unset inputs read as '' the way core.getInput does. */
export function settingsWith(
  inputs: Record<string, string>,
  options: SettingsOptions = {}
): Settings {
  const all = { ...MINIMAL, ...inputs }
  return parseSettings((name) => all[name] ?? '', options)
}

/** A scratch workspace for task definition files, removed by `remove()`. */
export function scratchWorkspace(): {
  dir: string
  write: (name: string, content: unknown) => string
  remove: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-bg-config-'))
  return {
    dir,
    write(name, content) {
      writeFileSync(
        join(dir, name),
        typeof content === 'string' ? content : JSON.stringify(content, null, 2)
      )
      return name
    },
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
