import type { World } from '../core/contracts.js'
import type { ControlResponse } from './api.js'
import { parseLoadSpec } from './load.js'

/**
 * The data plane's part of the control API:
 *
 * - `GET    listeners`  `[{ listenerArn, loadBalancerArn, listenerPort, port, url }]`: where each
 *                       listener answers HTTP
 * - `GET    load`       the running loads with what they were answered
 * - `PUT    load`       a LoadSpec: starts (or replaces) the load on its listener
 * - `DELETE load`       stops every load, or one with `?listenerArn=`
 *
 * Answers undefined for any other path, so that the caller goes on routing.
 */
export function routeDataPlane(
  method: string,
  path: string,
  url: URL,
  body: () => unknown,
  world: World
): ControlResponse | Promise<ControlResponse> | undefined {
  if (path !== 'listeners' && path !== 'load') return undefined
  const plane = world.dataPlane
  if (!plane) {
    return { status: 404, body: { message: 'this emulator world has no data plane' } }
  }
  switch (`${method} ${path}`) {
    case 'GET listeners':
      return plane.listeners().then((endpoints) => ({ status: 200, body: endpoints }))
    case 'GET load':
      return { status: 200, body: plane.loads() }
    case 'PUT load': {
      const spec = parseLoadSpec(body())
      const load = plane.setLoad(spec)
      return load
        ? { status: 200, body: load }
        : {
            status: 404,
            body: {
              message: `no listener ${spec.listenerArn}: create it with CreateListener first`
            }
          }
    }
    case 'DELETE load': {
      const listenerArn = url.searchParams.get('listenerArn') ?? undefined
      const stopped = plane.stopLoad(listenerArn)
      return listenerArn !== undefined && !stopped
        ? { status: 404, body: { message: `no load runs on ${listenerArn}` } }
        : { status: 200, body: { ok: true } }
    }
  }
  return undefined
}
