/**
 * Metric datapoints by series, at one-second (simulated) resolution: every value that falls in
 * the same second of a series is merged into one bucket that keeps count, sum, minimum, maximum
 * and how often each value occurred (for percentiles). That keeps a steady load cheap to hold.
 */

export interface Dimension {
  Name: string
  Value: string
}

export interface MetricName {
  region: string
  namespace: string
  metricName: string
  dimensions: Dimension[]
}

/** One value (or a statistic set) as it is put. */
export interface Datum {
  simAt: number
  /** CloudWatch's unit, 'None' when not given */
  unit: string
  /** a single value, repeated `count` times; absent for a statistic set */
  value?: number
  count: number
  sum: number
  min: number
  max: number
}

/** What a stretch of a series adds up to. */
export interface Aggregate {
  count: number
  sum: number
  min: number
  max: number
  /** value -> how often; statistic sets add nothing here, so they give no percentile */
  dist: Map<number, number>
}

interface Bucket extends Aggregate {
  second: number
}

interface Series {
  byUnit: Map<string, Bucket[]>
}

/** CloudWatch keeps sub-minute datapoints for three hours; so does the emulator (simulated). */
const RETAIN_SECONDS = 3 * 3600

export class MetricStore {
  private readonly series = new Map<string, Series>()

  put(name: MetricName, datum: Datum): void {
    const key = seriesKey(name)
    let series = this.series.get(key)
    if (!series) {
      series = { byUnit: new Map() }
      this.series.set(key, series)
    }
    let buckets = series.byUnit.get(datum.unit)
    if (!buckets) {
      buckets = []
      series.byUnit.set(datum.unit, buckets)
    }
    const bucket = bucketAt(buckets, Math.floor(datum.simAt / 1000))
    bucket.count += datum.count
    bucket.sum += datum.sum
    bucket.min = Math.min(bucket.min, datum.min)
    bucket.max = Math.max(bucket.max, datum.max)
    if (datum.value !== undefined) {
      bucket.dist.set(datum.value, (bucket.dist.get(datum.value) ?? 0) + datum.count)
    }
  }

  /**
   * What the series holds in simulated time [fromSim, toSim), in one unit or (unit undefined)
   * all of them; undefined when nothing was put there.
   */
  aggregate(
    name: MetricName,
    unit: string | undefined,
    fromSim: number,
    toSim: number
  ): Aggregate | undefined {
    const series = this.series.get(seriesKey(name))
    if (!series) return undefined
    const lists = unit === undefined ? [...series.byUnit.values()] : [series.byUnit.get(unit) ?? []]
    let total: Aggregate | undefined
    for (const buckets of lists) {
      for (let i = lowerBound(buckets, Math.ceil(fromSim / 1000)); i < buckets.length; i++) {
        const bucket = buckets[i] as Bucket
        if (bucket.second * 1000 >= toSim) break
        total ??= { count: 0, sum: 0, min: Infinity, max: -Infinity, dist: new Map() }
        total.count += bucket.count
        total.sum += bucket.sum
        total.min = Math.min(total.min, bucket.min)
        total.max = Math.max(total.max, bucket.max)
        for (const [value, count] of bucket.dist) {
          total.dist.set(value, (total.dist.get(value) ?? 0) + count)
        }
      }
    }
    return total
  }

  clear(): void {
    this.series.clear()
  }
}

/** dimensions are a set: their order does not make another series */
function seriesKey(name: MetricName): string {
  const dimensions = [...name.dimensions]
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    .map((d) => [d.Name, d.Value])
  return JSON.stringify([name.region, name.namespace, name.metricName, dimensions])
}

/** the bucket of `second`, made when missing; values mostly arrive in time order */
function bucketAt(buckets: Bucket[], second: number): Bucket {
  const last = buckets.at(-1)
  if (last?.second === second) return last
  const fresh: Bucket = {
    second,
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    dist: new Map()
  }
  if (!last || last.second < second) {
    buckets.push(fresh)
    const oldest = buckets[0] as Bucket
    if (oldest.second < second - RETAIN_SECONDS) {
      buckets.splice(0, lowerBound(buckets, second - RETAIN_SECONDS))
    }
    return fresh
  }
  const at = lowerBound(buckets, second)
  const found = buckets[at]
  if (found?.second === second) return found
  buckets.splice(at, 0, fresh)
  return fresh
}

/** the index of the first bucket at or after `second` */
function lowerBound(buckets: Bucket[], second: number): number {
  let low = 0
  let high = buckets.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((buckets[mid] as Bucket).second < second) low = mid + 1
    else high = mid
  }
  return low
}
