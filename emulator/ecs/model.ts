import type { SimClock } from '../core/clock.js'
import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { ViolationLog } from '../core/violations.js'
import type { ImageBook } from '../images.js'
import { ecsArn, isArn, parseEcsArn, uuid } from './ids.js'
import { CapacityBook } from './capacity/book.js'
import type { LoadBalancing } from './load-balancing.js'
import { HookAnswers } from './managed/hook-answers.js'
import { clientError } from './params.js'
import type { ContainerInstance } from './instances/state.js'
import type { Cluster, Service, Task, TaskDefinitionRecord } from './state.js'

const MAX_EVENTS = 100

/** Every ECS resource of every region; ARNs carry the region. */
export class EcsModel {
  /** by cluster ARN */
  readonly clusters = new Map<string, Cluster>()
  /** revisions by `${region}/${family}`, revision n at index n-1 */
  readonly families = new Map<string, TaskDefinitionRecord[]>()
  /** live tasks by private IP, for the load balancer's health checks */
  readonly tasksByIp = new Map<string, Task>()
  /** container instances of every cluster, by EC2 instance id (see ./instances/) */
  readonly instances = new Map<string, ContainerInstance>()
  /** capacity providers and the Auto Scaling groups behind them (see ./capacity/) */
  readonly capacity = new CapacityBook()
  private addresses = 0
  /** what the simulated Lambda functions of lifecycle hooks answer (PUT /_emulator/hooks) */
  readonly hookAnswers = new HookAnswers()
  /** a CloudWatch alarm's state (OK, ALARM, INSUFFICIENT_DATA), once the world links CloudWatch */
  alarmState: (region: string, alarmName: string) => string | undefined = () => undefined

  constructor(
    readonly clock: SimClock,
    readonly images: ImageBook,
    readonly lb: LoadBalancing,
    /** where a service scaled to 0 while its target group carries weight is recorded */
    readonly violations: ViolationLog = new ViolationLog()
  ) {}

  cluster(ref: string | undefined, ctx: CallContext): Cluster {
    const name = ref ?? 'default'
    const arn = isArn(name) ? name : ecsArn(ctx, `cluster/${name}`)
    const found = this.clusters.get(arn)
    if (!found) throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
    return found
  }

  /** a service of the cluster by name or ARN, whatever its status */
  findService(cluster: Cluster, ref: string): Service | undefined {
    if (!isArn(ref)) return cluster.services.get(ref)
    const name = parseEcsArn(ref)?.path.at(-1)
    const found = name === undefined ? undefined : cluster.services.get(name)
    return found?.arn === ref ? found : undefined
  }

  service(cluster: Cluster, ref: string): Service {
    const found = this.findService(cluster, ref)
    if (!found) throw new AwsError('ServiceNotFoundException', 'Service not found.')
    return found
  }

  /** `family`, `family:revision` or an ARN; a bare family means its latest ACTIVE revision */
  findTaskDefinition(ref: string, ctx: CallContext): TaskDefinitionRecord | undefined {
    let region = ctx.region
    let spec = ref
    if (isArn(ref)) {
      const arn = parseEcsArn(ref)
      if (!arn || arn.kind !== 'task-definition') return undefined
      region = arn.region
      spec = arn.path.join('/')
    }
    const [family, revision] = spec.split(':') as [string, string | undefined]
    const revisions = this.families.get(`${region}/${family}`) ?? []
    if (revision === undefined) return revisions.findLast((record) => record.status === 'ACTIVE')
    return /^[0-9]+$/.test(revision) ? revisions[Number(revision) - 1] : undefined
  }

  taskDefinitionByArn(arn: string): TaskDefinitionRecord {
    const parsed = parseEcsArn(arn)
    const [family, revision] = (parsed?.path.join('/') ?? '').split(':')
    const found = this.families.get(`${parsed?.region}/${family}`)?.[Number(revision) - 1]
    if (!found) throw clientError('Unable to describe task definition.')
    return found
  }

  /** a unique private address in 10.0.0.0/8, 10.0.1.1 first */
  nextIp(): string {
    const n = 254 + this.addresses++
    return `10.${Math.floor(n / (254 * 256)) % 256}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`
  }

  event(service: Service, message: string, simAt: number): void {
    service.events.unshift({ id: uuid(), createdAt: this.clock.wallAt(simAt), message })
    if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS
  }

  clear(): void {
    this.clusters.clear()
    this.families.clear()
    this.tasksByIp.clear()
    this.instances.clear()
    this.capacity.clear()
    this.addresses = 0
    this.hookAnswers.clear()
  }
}
