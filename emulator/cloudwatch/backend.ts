import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { ServedRequest } from '../dataplane/served.js'
import { albDatapoints } from './alb-metrics.js'
import { deleteAlarmsOp, putMetricAlarmOp, setAlarmStateOp } from './alarms.js'
import { describeAlarmsOp } from './describe-alarms.js'
import { evaluateAlarms } from './evaluate.js'
import { getMetricDataOp, putMetricDataOp } from './metric-data.js'
import { CloudWatchModel } from './model.js'
import type { Params } from './params.js'

type Operation = (model: CloudWatchModel, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  PutMetricAlarm: putMetricAlarmOp,
  DescribeAlarms: describeAlarmsOp,
  DeleteAlarms: deleteAlarmsOp,
  SetAlarmState: setAlarmStateOp,
  GetMetricData: getMetricDataOp,
  PutMetricData: putMetricDataOp
}

/** Amazon CloudWatch metrics and metric alarms, in memory. */
export class CloudWatchBackend implements ServiceBackend {
  readonly service = 'cloudwatch'
  readonly model: CloudWatchModel

  constructor(clock: SimClock) {
    this.model = new CloudWatchModel(clock)
  }

  handles(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation)
  }

  isMutating(operation: string): boolean {
    return !/^(Describe|Get|List)/.test(operation)
  }

  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown {
    const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    return run(this.model, params ?? {}, ctx)
  }

  /** the load balancer metrics of one request the data plane served */
  recordServed(served: ServedRequest): void {
    for (const { name, datum } of albDatapoints(served)) this.model.metrics.put(name, datum)
  }

  /** evaluates the alarms due by simulated time `simNow` */
  advance(simNow: number): void {
    evaluateAlarms(this.model, simNow)
  }

  reset(): void {
    this.model.clear()
  }
}
