/** `arn:aws:ecs:...:task-definition/web:42` -> `web:42`; anything else as given. */
export function shortRevision(arn: string): string {
  return /:task-definition\/([^/]+:\d+)$/.exec(arn)?.[1] ?? arn
}

/** `arn:aws:elasticloadbalancing:...:targetgroup/web-blue/0123abcd` -> `web-blue`. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn
}

/** `arn:aws:ecs:...:task/cluster/0a1b2c` -> `0a1b2c`, the id the ECS console shows. */
export function taskId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1) || arn
}
