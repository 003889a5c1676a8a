/**
 * CapacityProviderReservation as Amazon ECS documents it for managed scaling:
 *
 *     CapacityProviderReservation = M / N × 100
 *
 * N: the instances of the provider's Auto Scaling group that are running (InService).
 * M: the instances needed to run every task of the provider: those hosting at least one task,
 * plus the fewest new instances that would hold the tasks still waiting in PROVISIONING (after
 * what fits in the free room of the instances already there). With N = 0: 200 when M > 0 (scale
 * out from zero), 100 when M = 0 too. The group's desired capacity that meets the target is
 * ceil(M × 100 / targetCapacity).
 */

export interface Room {
  cpu: number
  memory: number
  /**
   * host ports as `tcp/80`: a waiting task's fixed ones, or those an instance has bound already
   * (two tasks that bind the same host port never share an instance, so each needs its own)
   */
  ports?: string[]
}

/** an instance's free room; `empty`: it hosts no task yet (it counts toward M once a task would go there) */
export interface FreeRoom extends Room {
  empty: boolean
}

export function instancesNeeded(
  busy: number,
  freeRoom: FreeRoom[],
  waiting: Room[],
  instanceSize: Room
): number {
  const free = freeRoom.map((room) => ({ ...room, ports: [...(room.ports ?? [])], used: false }))
  const fresh: Room[] = []
  // largest first, so that the count is the one a first-fit-decreasing packer needs
  const order = [...waiting].sort((a, b) => b.cpu - a.cpu || b.memory - a.memory)
  for (const task of order) {
    if (task.cpu > instanceSize.cpu || task.memory > instanceSize.memory) continue
    const ports = task.ports ?? []
    const fits = (room: Room): boolean =>
      room.cpu >= task.cpu &&
      room.memory >= task.memory &&
      !ports.some((port) => room.ports?.includes(port))
    const slot = free.find(fits) ?? fresh.find(fits)
    if (slot) {
      slot.cpu -= task.cpu
      slot.memory -= task.memory
      slot.ports = [...(slot.ports ?? []), ...ports]
      if ('used' in slot) slot.used = true
    } else {
      fresh.push({
        cpu: instanceSize.cpu - task.cpu,
        memory: instanceSize.memory - task.memory,
        ports: [...ports]
      })
    }
  }
  return busy + free.filter((room) => room.used && room.empty).length + fresh.length
}

export function reservationPercent(m: number, n: number): number {
  if (n === 0) return m > 0 ? 200 : 100
  return (m / n) * 100
}

export function desiredForTarget(m: number, targetCapacity: number): number {
  return Math.ceil((m * 100) / targetCapacity)
}
