/**
 * A tiny World for the protocol tests: its backends hand parameters back in the API's response
 * shapes, so a test can see exactly what the wire layer decoded and encoded, independent of what
 * the real ECS and ELBv2 models do.
 */
import type {
  CallContext,
  ImageBehavior,
  ServiceBackend,
  World
} from '../../emulator/core/contracts.js'
import { SimClock } from '../../emulator/core/clock.js'
import { AwsError } from '../../emulator/core/errors.js'

export interface StubWorld extends World {
  images: ImageBehavior[]
  ticks: number
  resets: number
}

type Handler = (params: Record<string, unknown>, ctx: CallContext) => unknown

function backend(service: string, handlers: Record<string, Handler>): ServiceBackend {
  return {
    service,
    handles: (operation) => operation in handlers,
    isMutating: (operation) => !/^(Describe|List|Get)/.test(operation),
    call(operation, params, ctx) {
      const handler = handlers[operation]
      if (!handler) throw new Error(`stub: no handler for ${operation}`)
      return handler(params, ctx)
    }
  }
}

export function createStubWorld(): StubWorld {
  let tags = new Map<string, unknown>()

  const ecs = backend('ecs', {
    CreateCluster: (params, ctx) => ({
      cluster: {
        clusterName: params.clusterName,
        clusterArn: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${String(params.clusterName)}`,
        status: 'ACTIVE'
      }
    }),
    DescribeServices: (params) => {
      if (params.cluster === 'missing') {
        throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
      }
      return { services: [], failures: [] }
    },
    DescribeTaskDefinition: () => ({
      taskDefinition: {
        family: 'web',
        revision: 42,
        registeredAt: new Date('2026-11-25T10:00:00.500Z')
      }
    }),
    DeleteCluster: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'status')")
    }
  })

  const elbv2 = backend('elbv2', {
    DescribeTargetGroups: (params) => ({
      TargetGroups: (Array.isArray(params.Names) ? (params.Names as string[]) : []).map((name) => ({
        TargetGroupName: name,
        TargetGroupArn: `arn:tg/${name}`,
        Port: '80',
        HealthCheckEnabled: true,
        LoadBalancerArns: [`arn:lb/${name}`]
      }))
    }),
    DescribeListeners: (params) => {
      const arns = params.ListenerArns as string[]
      if (arns.includes('missing')) {
        throw new AwsError('ListenerNotFound', 'One or more listeners not found')
      }
      return { Listeners: arns.map((ListenerArn) => ({ ListenerArn, Port: 443 })) }
    },
    ModifyListener: (params) => ({
      Listeners: [{ ListenerArn: params.ListenerArn, DefaultActions: params.DefaultActions }]
    }),
    AddTags: (params) => {
      for (const arn of params.ResourceArns as string[]) tags.set(arn, params.Tags)
      return {}
    },
    DescribeTags: (params) => ({
      TagDescriptions: (params.ResourceArns as string[]).map((ResourceArn) => ({
        ResourceArn,
        Tags: tags.get(ResourceArn) ?? []
      }))
    })
  })

  const world: StubWorld = {
    clock: new SimClock(),
    backends: [ecs, elbv2],
    images: [],
    ticks: 0,
    resets: 0,
    setImageBehavior(behavior) {
      world.images.push(behavior)
    },
    tick() {
      world.ticks++
    },
    reset() {
      world.resets++
      world.images = []
      tags = new Map()
    }
  }
  return world
}
