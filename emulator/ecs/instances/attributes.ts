import type { ContainerInstance } from './state.js'

/** The attributes the ECS agent reports, those the placement constraints' `attribute:` reads among them. */
export function attributesOf(instance: ContainerInstance): Map<string, string> {
  return new Map([
    ['ecs.instance-type', instance.instanceType],
    ['ecs.availability-zone', instance.availabilityZone],
    ['ecs.os-type', 'linux'],
    ['ecs.os-family', 'LINUX'],
    ['ecs.cpu-architecture', 'x86_64'],
    ['ecs.ami-id', 'ami-0c1b2d3e4f5a67890'],
    ['ecs.vpc-id', 'vpc-0a1b2c3d4e5f60001'],
    ['ecs.subnet-id', 'subnet-0a1b2c3d4e5f60001']
  ])
}
