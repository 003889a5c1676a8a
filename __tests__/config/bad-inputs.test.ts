import { InputError } from '../../src/rollout/errors.js'
import { describeShape, fileShape } from '../taskdef/examples.js'
import { LISTENER, scratchWorkspace, settingsWith } from './inputs.js'

const workspace = scratchWorkspace()
afterAll(() => workspace.remove())

const ARN_HEAD = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const container = (name: string) => ({ name, image: 'web:1' })
const files = {
  notJson: workspace.write('broken.json', '{\n  "family": "web",\n  "cpu" 256\n}'),
  array: workspace.write('array.json', [fileShape()]),
  noContainers: workspace.write('no-containers.json', { family: 'web' }),
  emptyContainers: workspace.write('empty.json', { family: 'web', containerDefinitions: [] }),
  unnamed: workspace.write('unnamed.json', {
    family: 'web',
    containerDefinitions: [container('web'), { image: 'sidecar:1' }]
  }),
  noFamily: workspace.write('no-family.json', { containerDefinitions: [container('web')] }),
  eleven: workspace.write('eleven.json', {
    family: 'web',
    containerDefinitions: Array.from({ length: 11 }, (_, i) => container(`c${i}`))
  }),
  twoContainers: workspace.write('two.json', { taskDefinition: describeShape() })
}

interface BadCase {
  inputs: Record<string, string>
  /** the input the message must name */
  input: string
  /** what of the bad value the message must quote, when there is a value to quote */
  quotes?: string
  /** what the message must say is valid */
  valid: RegExp
}

const cases: Record<string, BadCase> = {
  'unknown command': {
    inputs: { command: 'deplyo' },
    input: 'command',
    quotes: "'deplyo'",
    valid: /deploy, promote, abort, rollback, status, preview, preview-destroy/
  },
  'missing cluster': { inputs: { cluster: '' }, input: 'cluster', valid: /cluster name or ARN/ },
  'cluster name with a space': {
    inputs: { cluster: 'my cluster' },
    input: 'cluster',
    quotes: "'my cluster'",
    valid: /1-255 letters, digits, hyphens or underscores.*cluster\/<name>/
  },
  'service ARN given as cluster': {
    inputs: { cluster: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web' },
    input: 'cluster',
    quotes: 'service/prod/web',
    valid: /cluster ARN \(arn:aws:ecs:<region>:<account>:cluster\/<name>\)/
  },
  'cluster ARN of another region': {
    inputs: { cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod' },
    input: 'cluster',
    quotes: 'cluster/prod',
    valid: /region 'eu-west-1'.*region 'us-east-1'/
  },
  'missing services': { inputs: { services: '' }, input: 'services', valid: /comma-separated/ },
  'three services': {
    inputs: { services: 'a,b,c' },
    input: 'services',
    quotes: "'a,b,c'",
    valid: /3 services; expected two/
  },
  'the same service twice': {
    inputs: { services: 'web, web' },
    input: 'services',
    quotes: "'web'",
    valid: /two different services/
  },
  'service name with a space': {
    inputs: { services: 'web-blue,web green' },
    input: 'services',
    quotes: "'web green'",
    valid: /service name \(1-255 letters.*service\/<cluster>\/<name>/
  },
  'service ARN of another cluster': {
    inputs: { services: 'arn:aws:ecs:us-east-1:123456789012:service/staging/web-blue,web-green' },
    input: 'services',
    quotes: "'staging'",
    valid: /input 'cluster' is 'production'; both services must be in that cluster/
  },
  'service ARN of another region': {
    inputs: {
      services: 'web-blue,arn:aws:ecs:us-west-2:123456789012:service/production/web-green'
    },
    input: 'services',
    quotes: 'service/production/web-green',
    valid: /region 'us-west-2'.*give an ARN in us-east-1/
  },
  'missing listener': {
    inputs: { listener: '' },
    input: 'listener',
    valid: /ARN of the ALB listener or listener rule/
  },
  'listener by name': {
    inputs: { listener: 'web-alb:443' },
    input: 'listener',
    quotes: "'web-alb:443'",
    valid: /is not an ARN; expected the ARN of an Application Load Balancer listener/
  },
  'Network Load Balancer listener': {
    inputs: { listener: `${ARN_HEAD}:listener/net/web-nlb/50dc6c495c0c9188/f2f7dc8efc522ab2` },
    input: 'listener',
    quotes: 'listener/net/web-nlb',
    valid:
      /Network Load Balancer listener; only Application Load Balancer listeners forward .* by weight/
  },
  'target group ARN': {
    inputs: { listener: `${ARN_HEAD}:targetgroup/web-blue/73e2d6bc24d8a067` },
    input: 'listener',
    quotes: 'targetgroup/web-blue',
    valid: /target group ARN; give the listener \(or rule\)/
  },
  'load balancer ARN': {
    inputs: { listener: `${ARN_HEAD}:loadbalancer/app/web-alb/50dc6c495c0c9188` },
    input: 'listener',
    quotes: 'loadbalancer/app/web-alb',
    valid: /Application Load Balancer's ARN; give the ARN of its listener/
  },
  'listener of another region': {
    inputs: { listener: LISTENER.replace('us-east-1', 'eu-central-1') },
    input: 'listener',
    quotes: 'eu-central-1',
    valid: /region 'eu-central-1', but the action works in region 'us-east-1'/
  },
  'ECS ARN as listener': {
    inputs: { listener: 'arn:aws:ecs:us-east-1:123456789012:service/production/web-blue' },
    input: 'listener',
    quotes: 'service/production/web-blue',
    valid: /service 'ecs', not of a load balancer listener; expected .*listener\/app\//
  },
  'listener ARN with a short id': {
    inputs: { listener: `${ARN_HEAD}:listener/app/web-alb/50dc6c49/f2f7dc8efc522ab2` },
    input: 'listener',
    quotes: '50dc6c49/',
    valid: /not a well-formed listener or rule ARN; expected .*<16 hex>/
  },
  'listener ARN of an unknown partition': {
    inputs: { listener: LISTENER.replace('arn:aws:', 'arn:aws-moon:') },
    input: 'listener',
    quotes: "'aws-moon'",
    valid: /expected one of aws, aws-cn, aws-us-gov/
  },
  'listener ARN with a bad account': {
    inputs: { listener: LISTENER.replace('123456789012', '1234') },
    input: 'listener',
    quotes: "'1234'",
    valid: /account ID is 12 digits/
  },
  'task definition file missing': {
    inputs: { 'task-definition': 'deploy/missing.json' },
    input: 'task-definition',
    quotes: "'deploy/missing.json'",
    valid:
      /does not exist \(looked for .*deploy\/missing\.json\); give the path of a task definition JSON/
  },
  'task definition not JSON': {
    inputs: { 'task-definition': files.notJson },
    input: 'task-definition',
    quotes: "'broken.json'",
    valid: /not valid JSON: expected ':' after the property name at line 3, column 9/
  },
  'task definition an array': {
    inputs: { 'task-definition': files.array },
    input: 'task-definition',
    quotes: "'array.json'",
    valid: /holds an array, not a task definition object/
  },
  'task definition without containers': {
    inputs: { 'task-definition': files.noContainers },
    input: 'task-definition',
    quotes: "'no-containers.json'",
    valid: /no "containerDefinitions" array/
  },
  'task definition with no container': {
    inputs: { 'task-definition': files.emptyContainers },
    input: 'task-definition',
    quotes: "'empty.json'",
    valid: /needs at least one container/
  },
  'task definition with an unnamed container': {
    inputs: { 'task-definition': files.unnamed, container: 'web' },
    input: 'task-definition',
    quotes: "'unnamed.json'",
    valid: /container without a "name" at containerDefinitions\[1\]; every container needs one/
  },
  'task definition without family': {
    inputs: { 'task-definition': files.noFamily },
    input: 'task-definition',
    quotes: "'no-family.json'",
    valid: /no "family" \(the task definition family name/
  },
  'task definition with 11 containers': {
    inputs: { 'task-definition': files.eleven, container: 'c0' },
    input: 'task-definition',
    quotes: "'eleven.json'",
    valid: /11 containers; ECS allows at most 10/
  },
  'no container named among several': {
    inputs: { 'task-definition': files.twoContainers },
    input: 'container',
    valid: /2 containers \('web', 'log-router'\); set this input to the one/
  },
  'container not in the file': {
    inputs: { 'task-definition': files.twoContainers, container: 'api' },
    input: 'container',
    quotes: "'api'",
    valid: /its containers are 'web', 'log-router'/
  },
  'container name with a slash': {
    inputs: { container: 'web/app' },
    input: 'container',
    quotes: "'web/app'",
    valid: /1-255 letters, digits, hyphens or underscores/
  },
  'missing image for deploy': {
    inputs: { image: '' },
    input: 'image',
    valid: /is required: the new image for deploy and preview, \[registry\/\]repository\[:tag\]/
  },
  'missing image for preview': {
    inputs: { command: 'preview', image: '' },
    input: 'image',
    valid: /is required: the new image for deploy and preview/
  },
  'image with uppercase repository': {
    inputs: { image: 'ghcr.io/Acme/web:1.0' },
    input: 'image',
    quotes: "'ghcr.io/Acme/web:1.0'",
    valid: /repository path must be lowercase; expected \[registry\/\]repository/
  },
  'image with a space': {
    inputs: { image: 'web :1.0' },
    input: 'image',
    quotes: "'web :1.0'",
    valid: /whitespace or a control character; expected/
  },
  'image with a short digest': {
    inputs: { image: 'web@sha256:abc123' },
    input: 'image',
    quotes: "'web@sha256:abc123'",
    valid: /@sha256: and 64 lowercase hex digits/
  },
  'image with a bad tag': {
    inputs: { image: 'web:-latest' },
    input: 'image',
    quotes: "'-latest'",
    valid: /a tag is up to 128 letters, digits/
  },
  'image too long': {
    inputs: { image: `registry.example.com/${'a'.repeat(1020)}` },
    input: 'image',
    valid: /1041 characters long, more than 1024; expected/
  },
  'environment line without =': {
    inputs: { environment: 'LOG_LEVEL=debug\nDEBUG' },
    input: 'environment',
    valid: /line 2 has no '='; each line is KEY=VALUE/
  },
  'environment key starting with a digit': {
    inputs: { environment: '1PASSWORD=x' },
    input: 'environment',
    quotes: "'1PASSWORD'",
    valid: /line 1: .* letters, digits and underscores, not starting with a digit/
  },
  'environment key repeated': {
    inputs: { environment: 'A=1\n\nA=2' },
    input: 'environment',
    quotes: "'A'",
    valid: /line 3 sets 'A' again \(first set on line 1\)/
  },
  'steps not ending at 100': {
    inputs: { 'traffic-steps': '10,50' },
    input: 'traffic-steps',
    quotes: "'10,50'",
    valid: /ends at 50, not 100; expected weights for the new side/
  },
  'steps going down': {
    inputs: { 'traffic-steps': '50,10,100' },
    input: 'traffic-steps',
    quotes: "'50,10,100'",
    valid: /10 after 50; weights must increase/
  },
  'a zero step': {
    inputs: { 'traffic-steps': '0,100' },
    input: 'traffic-steps',
    quotes: "'0'",
    valid: /neither a weight from 1 to 100 nor 'pause'/
  },
  'two pauses in a row': {
    inputs: { 'traffic-steps': '10,pause,pause,100' },
    input: 'traffic-steps',
    valid: /two pauses in a row at item 3/
  },
  'a pause after 100': {
    inputs: { 'traffic-steps': '10,100,pause' },
    input: 'traffic-steps',
    valid: /ends with a pause/
  },
  'a word among the steps': {
    inputs: { 'traffic-steps': '10,half,100' },
    input: 'traffic-steps',
    quotes: "'half'",
    valid: /item 2 'half', which is neither a weight/
  },
  'too many steps': {
    inputs: {
      'traffic-steps': Array.from({ length: 21 }, (_, i) => String(i * 4 + 20)).join(',')
    },
    input: 'traffic-steps',
    valid: /21 items, more than 20/
  },
  'an empty step': {
    inputs: { 'traffic-steps': '10,,100' },
    input: 'traffic-steps',
    valid: /empty item 2/
  },
  'step-wait without a unit': {
    inputs: { 'step-wait': '60' },
    input: 'step-wait',
    quotes: "'60'",
    valid: /not a duration; write a number with a unit \(ms, s, m or h\)/
  },
  'negative step-wait': {
    inputs: { 'step-wait': '-1s' },
    input: 'step-wait',
    quotes: "'-1s'",
    valid: /e\.g\. "30s"/
  },
  'zero timeout': {
    inputs: { timeout: '0s' },
    input: 'timeout',
    quotes: "'0s'",
    valid: /out of range; use a duration longer than 0s, up to 120h/
  },
  'timeout shorter than the baking': {
    inputs: { timeout: '2m', 'traffic-steps': '25,50,100', 'step-wait': '1m' },
    input: 'timeout',
    quotes: "'2m'",
    valid: /3 steps × step-wait 1m = 3m\); use more than 3m/
  },
  'poll-interval too short': {
    inputs: { 'poll-interval': '50ms' },
    input: 'poll-interval',
    quotes: "'50ms'",
    valid: /from 100ms to 5m/
  },
  'poll-interval too long': {
    inputs: { 'poll-interval': '10m' },
    input: 'poll-interval',
    quotes: "'10m'",
    valid: /from 100ms to 5m/
  },
  'scale-down-delay a word': {
    inputs: { 'scale-down-delay': 'later' },
    input: 'scale-down-delay',
    quotes: "'later'",
    valid: /a duration .*"auto" .*"never"/
  },
  'dry-run yes': {
    inputs: { 'dry-run': 'yes' },
    input: 'dry-run',
    quotes: "'yes'",
    valid: /use true or false/
  }
}

describe('parseSettings refuses', () => {
  it.each(Object.entries(cases))('%s', (_, bad) => {
    let caught: unknown
    try {
      settingsWith(bad.inputs, { region: 'us-east-1', workspace: workspace.dir })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InputError)
    const error = caught as InputError
    expect(error.input).toBe(bad.input)
    expect(error.message).toMatch(new RegExp(`^Input '${bad.input}': `))
    if (bad.quotes) expect(error.message).toContain(bad.quotes)
    expect(error.message).toMatch(bad.valid)
  })
})

describe('messages', () => {
  it('shorten a long bad value', () => {
    const pasted = `deploy ${'x'.repeat(500)}`
    expect(() => settingsWith({ command: pasted })).toThrow(/'deploy x{53}…' is not a command/)
  })

  it('stop at the first problem, in the order of action.yml', () => {
    expect(() => settingsWith({ cluster: 'a b', services: 'x', image: 'Bad' })).toThrow(
      /^Input 'cluster'/
    )
  })
})

describe('environment errors never show a value', () => {
  const secret = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'
  it.each([
    ['a value on a line of its own', `API_URL=https://api\n${secret}`],
    ['a key with a dash', `GITHUB-TOKEN=${secret}`],
    ['a repeated key', `TOKEN=${secret}\nTOKEN=${secret}2`],
    ['a space before =', ` TOKEN =${secret}\nTOKEN=x`]
  ])('%s', (_, environment) => {
    expect(() => settingsWith({ environment })).toThrow(InputError)
    try {
      settingsWith({ environment })
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(0, 8))
    }
  })
})
