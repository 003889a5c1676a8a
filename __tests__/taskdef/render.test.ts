import { InputError } from '../../src/rollout/errors.js'
import { renderTaskDefinition } from '../../src/taskdef/render.js'
import { describeShape, fileShape } from './examples.js'

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2'

describe('renderTaskDefinition', () => {
  it('sets the image of the only container of a file, keeping everything else', () => {
    const rendered = renderTaskDefinition(fileShape(), { image: IMAGE, environment: [] })
    const expected = fileShape()
    expected.containerDefinitions[0]!.image = IMAGE
    expect(rendered).toEqual(expected)
  })

  it('renders a live revision into something RegisterTaskDefinition accepts', () => {
    const rendered = renderTaskDefinition(describeShape(), {
      container: 'web',
      image: IMAGE,
      environment: []
    })
    for (const field of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes']) {
      expect(rendered).not.toHaveProperty(field)
    }
    expect(rendered).not.toHaveProperty('compatibilities')
    expect(rendered).not.toHaveProperty('registeredAt')
    expect(rendered).not.toHaveProperty('registeredBy')
    expect(rendered.containerDefinitions.map((c) => c.image)).toEqual([
      IMAGE,
      'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'
    ])
  })

  it('changes only the named container of several', () => {
    const rendered = renderTaskDefinition(describeShape(), {
      container: 'log-router',
      image: 'fluent/fluent-bit:3.1',
      environment: [{ name: 'FLB_LOG_LEVEL', value: 'debug' }]
    })
    const [web, router] = rendered.containerDefinitions
    expect(web).toEqual(describeShape().containerDefinitions[0])
    expect(router?.image).toBe('fluent/fluent-bit:3.1')
    expect(router?.environment).toEqual([{ name: 'FLB_LOG_LEVEL', value: 'debug' }])
  })

  it('refuses to guess among several containers, naming them', () => {
    const render = () => renderTaskDefinition(describeShape(), { image: IMAGE, environment: [] })
    expect(render).toThrow(InputError)
    expect(render).toThrow(/Input 'container'.*2 containers.*'web', 'log-router'/)
  })

  it('refuses an unknown container, naming the ones that exist', () => {
    const render = () =>
      renderTaskDefinition(fileShape(), { container: 'api', image: IMAGE, environment: [] })
    expect(render).toThrow(/Input 'container'.*no container named 'api'.*'web'/)
  })

  it('replaces environment entries in place and appends new ones in the order given', () => {
    const rendered = renderTaskDefinition(fileShape(), {
      image: IMAGE,
      environment: [
        { name: 'RELEASE', value: '1.4.2' },
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'REGION', value: 'us-east-1' }
      ]
    })
    expect(rendered.containerDefinitions[0]?.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db/web' },
      { name: 'RELEASE', value: '1.4.2' },
      { name: 'REGION', value: 'us-east-1' }
    ])
  })

  it('never changes the definition it starts from', () => {
    const base = describeShape()
    renderTaskDefinition(base, {
      container: 'web',
      image: IMAGE,
      environment: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'NEW', value: 'x' }
      ]
    })
    expect(base).toEqual(describeShape())
  })
})
