import {
  awsError,
  blueGreen,
  health,
  type Json,
  modelWorld,
  type ModelWorld,
  tasks
} from './model-fixture.js'

function group(w: ModelWorld, name: string, extra: Record<string, string> = {}): string {
  return w.elb('CreateTargetGroup', {
    Name: name,
    Protocol: 'HTTP',
    Port: '8080',
    VpcId: 'vpc-1',
    TargetType: 'ip',
    ...extra
  }).TargetGroups[0].TargetGroupArn
}

function listenerActions(w: ModelWorld, listenerArn: string): Json[] {
  return w.elb('DescribeListeners', { ListenerArns: [listenerArn] }).Listeners[0].DefaultActions
}

describe('ELBv2 forward actions (model)', () => {
  it('normalises forwards as AWS returns them', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const set = (action: Json): Json => {
      w.elb('ModifyListener', { ListenerArn: pair.listenerArn, DefaultActions: [action] })
      return listenerActions(w, pair.listenerArn)[0]
    }
    expect(set({ Type: 'forward', TargetGroupArn: pair.blueGroup })).toEqual({
      Type: 'forward',
      TargetGroupArn: pair.blueGroup,
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: pair.blueGroup, Weight: 1 }],
        TargetGroupStickinessConfig: { Enabled: false }
      }
    })
    expect(
      set({
        Type: 'forward',
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: pair.greenGroup, Weight: '7' }] }
      })
    ).toEqual({
      Type: 'forward',
      TargetGroupArn: pair.greenGroup,
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: pair.greenGroup, Weight: 7 }],
        TargetGroupStickinessConfig: { Enabled: false }
      }
    })
    const both = set({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: pair.greenGroup, Weight: '90' },
          { TargetGroupArn: pair.blueGroup, Weight: '10' }
        ],
        TargetGroupStickinessConfig: { Enabled: 'true', DurationSeconds: '3600' }
      }
    })
    expect(both).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: pair.greenGroup, Weight: 90 },
          { TargetGroupArn: pair.blueGroup, Weight: 10 }
        ],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
      }
    })
  })

  it('refuses a TargetGroupArn beside a ForwardConfig of other or more groups, as AWS does', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const modify = (forwardConfig: Json) => () =>
      w.elb('ModifyListener', {
        ListenerArn: pair.listenerArn,
        DefaultActions: [
          { Type: 'forward', TargetGroupArn: pair.blueGroup, ForwardConfig: forwardConfig }
        ]
      })
    const both = {
      TargetGroups: [
        { TargetGroupArn: pair.blueGroup, Weight: '100' },
        { TargetGroupArn: pair.greenGroup, Weight: '0' }
      ]
    }
    expect(awsError(modify(both)).code).toBe('ValidationError')
    expect(awsError(modify({ TargetGroups: [{ TargetGroupArn: pair.greenGroup }] })).code).toBe(
      'ValidationError'
    )
    // the same one group in both places is the form AWS itself returns, and is accepted as is
    modify({ TargetGroups: [{ TargetGroupArn: pair.blueGroup, Weight: '1' }] })()
    expect(listenerActions(w, pair.listenerArn)[0].TargetGroupArn).toBe(pair.blueGroup)
  })

  const withSecret = (action: Json, secret: Json): Json => ({
    ...action,
    AuthenticateOidcConfig: { ...(action.AuthenticateOidcConfig as Json), ...secret }
  })

  it('round-trips weights, group order, stickiness and other actions through rules', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const oidc = {
      Type: 'authenticate-oidc',
      Order: '1',
      AuthenticateOidcConfig: {
        Issuer: 'https://idp',
        ClientId: 'id',
        AuthorizationEndpoint: 'https://idp/a',
        TokenEndpoint: 'https://idp/t',
        UserInfoEndpoint: 'https://idp/u'
      }
    }
    const forward = (blue: number, green: number): Json => ({
      Type: 'forward',
      Order: '2',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: pair.blueGroup, Weight: String(blue) },
          { TargetGroupArn: pair.greenGroup, Weight: String(green) }
        ],
        TargetGroupStickinessConfig: { Enabled: 'false', DurationSeconds: '60' }
      }
    })
    const rule = w.elb('CreateRule', {
      ListenerArn: pair.listenerArn,
      Priority: '10',
      Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
      Actions: [withSecret(oidc, { ClientSecret: 's3cret' }), forward(100, 0)]
    }).Rules[0]
    w.elb('ModifyRule', {
      RuleArn: rule.RuleArn,
      Actions: [withSecret(oidc, { UseExistingClientSecret: 'true' }), forward(75, 25)]
    })

    const [described] = w.elb('DescribeRules', { RuleArns: [rule.RuleArn] }).Rules
    expect(described.Priority).toBe('10')
    expect(described.IsDefault).toBe(false)
    expect(described.Conditions).toEqual([
      { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }
    ])
    expect(described.Actions[0]).toEqual({ ...oidc, Order: 1 })
    expect(described.Actions[1]).toEqual({
      Type: 'forward',
      Order: 2,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: pair.blueGroup, Weight: 75 },
          { TargetGroupArn: pair.greenGroup, Weight: 25 }
        ],
        TargetGroupStickinessConfig: { Enabled: false, DurationSeconds: 60 }
      }
    })

    const all = w.elb('DescribeRules', { ListenerArn: pair.listenerArn }).Rules
    expect(all.map((r: Json) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true]
    ])
    expect(all[1].Conditions).toEqual([])
    expect(all[1].Actions).toEqual(listenerActions(w, pair.listenerArn))
  })

  it('orders rules by priority and moves them with SetRulePriorities', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const make = (priority: string, path: string): string =>
      w.elb('CreateRule', {
        ListenerArn: pair.listenerArn,
        Priority: priority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [path] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]
      }).Rules[0].RuleArn
    const a = make('20', '/a')
    const b = make('5', '/b')
    const order = (): string[] =>
      w.elb('DescribeRules', { ListenerArn: pair.listenerArn }).Rules.map((r: Json) => r.RuleArn)
    expect(order().slice(0, 2)).toEqual([b, a])
    expect(
      awsError(() =>
        w.elb('SetRulePriorities', { RulePriorities: [{ RuleArn: a, Priority: '5' }] })
      ).code
    ).toBe('PriorityInUse')
    // a swap in one call is fine
    w.elb('SetRulePriorities', {
      RulePriorities: [
        { RuleArn: a, Priority: '5' },
        { RuleArn: b, Priority: '20' }
      ]
    })
    expect(order().slice(0, 2)).toEqual([a, b])
    w.elb('DeleteRule', { RuleArn: a })
    expect(order()).toHaveLength(2)
  })
})

describe('ELBv2 target groups and health (model)', () => {
  it('associates groups with the load balancer that forwards to them, and leaves unused targets unchecked', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const spare = group(w, 'spare', {
      HealthCheckIntervalSeconds: '5',
      HealthCheckTimeoutSeconds: '2',
      HealthyThresholdCount: '2'
    })
    const lbs = (arn: string): string[] =>
      w.elb('DescribeTargetGroups', { TargetGroupArns: [arn] }).TargetGroups[0].LoadBalancerArns
    expect(lbs(pair.greenGroup)).toEqual([pair.loadBalancerArn])
    expect(lbs(spare)).toEqual([])
    w.run(20)

    // a blue task's address, registered by hand in the spare group
    const ip = tasks(w, 'web-blue')[0].containers[0].networkInterfaces[0].privateIpv4Address
    w.elb('RegisterTargets', {
      TargetGroupArn: spare,
      Targets: [{ Id: ip }, { Id: '10.9.9.9', Port: '8080' }]
    })
    w.run(30)
    expect(
      health(w, spare).map((d: Json) => [d.TargetHealth.State, d.TargetHealth.Reason])
    ).toEqual([
      ['unused', 'Target.NotInUse'],
      ['unused', 'Target.NotInUse']
    ])

    const rule = w.elb('CreateRule', {
      ListenerArn: pair.listenerArn,
      Priority: '1',
      Conditions: [{ Field: 'host-header', Values: ['spare.example.com'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: spare }]
    }).Rules[0].RuleArn
    expect(lbs(spare)).toEqual([pair.loadBalancerArn])
    expect(
      w.elb('DescribeTargetGroups', { LoadBalancerArn: pair.loadBalancerArn }).TargetGroups
    ).toHaveLength(3)
    w.run(1)
    expect(health(w, spare)[0].TargetHealth).toEqual({
      State: 'initial',
      Reason: 'Elb.RegistrationInProgress',
      Description: 'Target registration is in progress'
    })
    w.run(7)
    expect(health(w, spare)[0].TargetHealth.Reason).toBe('Elb.InitialHealthChecking')
    w.run(10)
    expect(
      health(w, spare).map((d: Json) => [d.Target.Id, d.TargetHealth.State, d.TargetHealth.Reason])
    ).toEqual([
      [ip, 'healthy', undefined],
      ['10.9.9.9', 'unhealthy', 'Target.Timeout']
    ])
    expect(awsError(() => w.elb('DeleteTargetGroup', { TargetGroupArn: spare })).code).toBe(
      'ResourceInUse'
    )
    w.elb('DeleteRule', { RuleArn: rule })
    w.elb('DeleteTargetGroup', { TargetGroupArn: spare })
    expect(awsError(() => w.elb('DescribeTargetGroups', { TargetGroupArns: [spare] })).code).toBe(
      'TargetGroupNotFound'
    )
  })

  it('drains a deregistered target for the deregistration delay, and reports unregistered ones', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const attributes = w.elb('DescribeTargetGroupAttributes', {
      TargetGroupArn: pair.greenGroup
    }).Attributes
    expect(attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '10' })
    expect(attributes).toContainEqual({ Key: 'stickiness.enabled', Value: 'false' })
    w.elb('RegisterTargets', { TargetGroupArn: pair.greenGroup, Targets: [{ Id: '10.1.2.3' }] })
    w.elb('DeregisterTargets', { TargetGroupArn: pair.greenGroup, Targets: [{ Id: '10.1.2.3' }] })
    expect(health(w, pair.greenGroup)[0].TargetHealth).toMatchObject({
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress'
    })
    w.run(9)
    expect(health(w, pair.greenGroup)).toHaveLength(1)
    w.run(2)
    expect(health(w, pair.greenGroup)).toHaveLength(0)
    const asked = w.elb('DescribeTargetHealth', {
      TargetGroupArn: pair.greenGroup,
      Targets: [{ Id: '10.1.2.3', Port: '8080' }]
    })
    expect(asked.TargetHealthDescriptions[0].TargetHealth).toMatchObject({
      State: 'unused',
      Reason: 'Target.NotRegistered'
    })
  })

  it('returns the load balancer and target group shapes, with defaults', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const [lb] = w.elb('DescribeLoadBalancers', { Names: ['web-alb'] }).LoadBalancers
    expect(lb.LoadBalancerArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/web-alb\/[0-9a-f]{16}$/
    )
    expect(lb.DNSName).toMatch(/^web-alb-[0-9]{10}\.us-east-1\.elb\.amazonaws\.com$/)
    expect(lb).toMatchObject({
      Type: 'application',
      Scheme: 'internet-facing',
      State: { Code: 'active' }
    })
    expect(pair.listenerArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/web-alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/
    )
    const ruleArn = w.elb('DescribeRules', { ListenerArn: pair.listenerArn }).Rules[0].RuleArn
    expect(ruleArn).toMatch(
      /:listener-rule\/app\/web-alb\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/
    )
    const defaults = w.elb('CreateTargetGroup', {
      Name: 'plain',
      Protocol: 'HTTP',
      Port: '80',
      VpcId: 'vpc-1'
    }).TargetGroups[0]
    expect(defaults).toMatchObject({
      TargetGroupArn: expect.stringMatching(/:targetgroup\/plain\/[0-9a-f]{16}$/),
      TargetType: 'instance',
      HealthCheckIntervalSeconds: 30,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: []
    })
  })
})

describe('ELBv2 errors (model)', () => {
  it.each([
    [
      'LoadBalancerNotFound',
      (w: ModelWorld) =>
        w.elb('DescribeLoadBalancers', {
          LoadBalancerArns: [
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0000000000000000'
          ]
        })
    ],
    [
      'TargetGroupNotFound',
      (w: ModelWorld) =>
        w.elb('DescribeTargetHealth', {
          TargetGroupArn:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/0000000000000000'
        })
    ],
    [
      'ListenerNotFound',
      (w: ModelWorld, p: Json) =>
        w.elb('ModifyListener', { ListenerArn: `${p.listenerArn}0`, Port: '81' })
    ],
    [
      'RuleNotFound',
      (w: ModelWorld, p: Json) =>
        w.elb('ModifyRule', {
          RuleArn: `${p.listenerArn.replace(':listener/', ':listener-rule/')}/0000000000000000`
        })
    ],
    [
      'DuplicateListener',
      (w: ModelWorld, p: Json) =>
        w.elb('CreateListener', {
          LoadBalancerArn: p.loadBalancerArn,
          Protocol: 'HTTP',
          Port: '80',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: p.blueGroup }]
        })
    ],
    [
      'DuplicateTargetGroupName',
      (w: ModelWorld) =>
        w.elb('CreateTargetGroup', {
          Name: 'web-blue',
          Protocol: 'HTTP',
          Port: '9090',
          VpcId: 'vpc-1',
          TargetType: 'ip'
        })
    ],
    [
      'DuplicateLoadBalancerName',
      (w: ModelWorld) => w.elb('CreateLoadBalancer', { Name: 'web-alb', Scheme: 'internal' })
    ],
    [
      'TargetGroupAssociationLimit',
      (w: ModelWorld, p: Json) => {
        const other = w.elb('CreateLoadBalancer', { Name: 'other' }).LoadBalancers[0]
          .LoadBalancerArn
        return w.elb('CreateListener', {
          LoadBalancerArn: other,
          Protocol: 'HTTP',
          Port: '80',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: p.blueGroup }]
        })
      }
    ],
    [
      'InvalidConfigurationRequest',
      (w: ModelWorld, p: Json) => {
        const tcp = w.elb('CreateTargetGroup', {
          Name: 'tcp',
          Protocol: 'TCP',
          Port: '80',
          VpcId: 'vpc-1'
        }).TargetGroups[0].TargetGroupArn
        return w.elb('ModifyListener', {
          ListenerArn: p.listenerArn,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tcp }]
        })
      }
    ],
    [
      'ResourceInUse',
      (w: ModelWorld, p: Json) => w.elb('DeleteTargetGroup', { TargetGroupArn: p.greenGroup })
    ]
  ])('raises %s', (code, call) => {
    const w = modelWorld()
    const pair = blueGreen(w)
    expect(awsError(() => call(w, pair)).code).toBe(code)
  })

  it('raises PriorityInUse and TooManyRules (100 rules besides the default)', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const rule = (priority: number): Json =>
      w.elb('CreateRule', {
        ListenerArn: pair.listenerArn,
        Priority: String(priority),
        Conditions: [{ Field: 'path-pattern', Values: [`/p${priority}`] }],
        Actions: [{ Type: 'forward', TargetGroupArn: pair.blueGroup }]
      })
    for (let priority = 1; priority <= 100; priority++) rule(priority)
    expect(awsError(() => rule(50))).toMatchObject({
      code: 'PriorityInUse',
      message: "Priority '50' is currently in use"
    })
    expect(awsError(() => rule(101)).code).toBe('TooManyRules')
    expect(w.elb('DescribeRules', { ListenerArn: pair.listenerArn }).Rules).toHaveLength(101)
  })

  it('raises TooManyTargetGroups at 3000 groups in a region', () => {
    const w = modelWorld()
    for (let i = 0; i < 3000; i++) group(w, `g${i}`)
    expect(awsError(() => group(w, 'one-more')).code).toBe('TooManyTargetGroups')
  })

  it.each([
    [
      'a target group name over 32 characters',
      (w: ModelWorld) => group(w, 'a'.repeat(33)),
      "cannot be longer than '32' characters"
    ],
    [
      'a target group name with an underscore',
      (w: ModelWorld) => group(w, 'web_blue'),
      'alphanumeric characters or hyphens'
    ],
    [
      'a target group name ending with a hyphen',
      (w: ModelWorld) => group(w, 'web-'),
      "cannot begin or end with '-'"
    ],
    [
      'a weight over 999',
      (w: ModelWorld, p: Json) => forwardTo(w, p, [[p.blueGroup, '1000']]),
      'Member must have value between 0 and 999'
    ],
    [
      'a negative weight',
      (w: ModelWorld, p: Json) => forwardTo(w, p, [[p.blueGroup, '-1']]),
      'between 0 and 999'
    ],
    [
      'six target groups in one forward',
      (w: ModelWorld, p: Json) =>
        forwardTo(
          w,
          p,
          Array.from({ length: 6 }, (_, i) => [group(w, `six${i}`), '1'])
        ),
      'at most 5 target groups'
    ],
    [
      'a TargetGroupArn beside a ForwardConfig of other groups',
      (w: ModelWorld, p: Json) =>
        w.elb('ModifyListener', {
          ListenerArn: p.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              TargetGroupArn: p.blueGroup,
              ForwardConfig: { TargetGroups: [{ TargetGroupArn: p.greenGroup, Weight: '1' }] }
            }
          ]
        }),
      'both a target group ARN and a forward config'
    ],
    [
      'a priority over 50000',
      (w: ModelWorld, p: Json) =>
        w.elb('CreateRule', {
          ListenerArn: p.listenerArn,
          Priority: '50001',
          Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
          Actions: [{ Type: 'forward', TargetGroupArn: p.blueGroup }]
        }),
      'between 1 and 50000'
    ],
    [
      'a rule without conditions',
      (w: ModelWorld, p: Json) =>
        w.elb('CreateRule', {
          ListenerArn: p.listenerArn,
          Priority: '3',
          Actions: [{ Type: 'forward', TargetGroupArn: p.blueGroup }]
        }),
      "Value null at 'conditions'"
    ],
    [
      'an unknown action type',
      (w: ModelWorld, p: Json) =>
        w.elb('ModifyListener', {
          ListenerArn: p.listenerArn,
          DefaultActions: [{ Type: 'forwards', TargetGroupArn: p.blueGroup }]
        }),
      'enum value set'
    ],
    [
      'stickiness enabled without a duration',
      (w: ModelWorld, p: Json) =>
        w.elb('ModifyListener', {
          ListenerArn: p.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [{ TargetGroupArn: p.blueGroup, Weight: '1' }],
                TargetGroupStickinessConfig: { Enabled: 'true' }
              }
            }
          ]
        }),
      'duration'
    ]
  ])('raises ValidationError for %s, and changes nothing', (_, call, message) => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const before = listenerActions(w, pair.listenerArn)
    expect(awsError(() => call(w, pair))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining(message)
    })
    expect(listenerActions(w, pair.listenerArn)).toEqual(before)
  })
})

function forwardTo(w: ModelWorld, pair: Json, groups: string[][]): Json {
  return w.elb('ModifyListener', {
    ListenerArn: pair.listenerArn,
    DefaultActions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: groups.map(([arn, weight]) => ({ TargetGroupArn: arn, Weight: weight }))
        }
      }
    ]
  })
}

describe('ELBv2 tags (model)', () => {
  it('adds, removes and describes tags on every kind of resource, 50 at most', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const ruleArn = w.elb('DescribeRules', { ListenerArn: pair.listenerArn }).Rules[0].RuleArn
    const arns = [pair.loadBalancerArn, pair.blueGroup, pair.listenerArn, ruleArn]
    w.elb('AddTags', {
      ResourceArns: arns,
      Tags: [
        { Key: 'rollout', Value: 'state' },
        { Key: 'gone', Value: '' }
      ]
    })
    w.elb('RemoveTags', { ResourceArns: arns, TagKeys: ['gone'] })
    expect(w.elb('DescribeTags', { ResourceArns: arns }).TagDescriptions).toEqual(
      arns.map((ResourceArn) => ({ ResourceArn, Tags: [{ Key: 'rollout', Value: 'state' }] }))
    )
    const tags = (n: number, from = 0): Json[] =>
      Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: 'v' }))
    w.elb('AddTags', { ResourceArns: [pair.listenerArn], Tags: tags(49) })
    expect(
      awsError(() => w.elb('AddTags', { ResourceArns: [pair.listenerArn], Tags: tags(1, 100) }))
        .code
    ).toBe('TooManyTags')
    // overwriting an existing key is not a new tag
    w.elb('AddTags', {
      ResourceArns: [pair.listenerArn],
      Tags: [{ Key: 'rollout', Value: 'next' }]
    })
    expect(
      awsError(() =>
        w.elb('AddTags', {
          ResourceArns: [pair.blueGroup],
          Tags: [{ Key: 'k'.repeat(129), Value: 'v' }]
        })
      ).code
    ).toBe('ValidationError')
    expect(
      awsError(() =>
        w.elb('AddTags', {
          ResourceArns: [pair.blueGroup],
          Tags: [{ Key: 'k', Value: 'v'.repeat(257) }]
        })
      ).code
    ).toBe('ValidationError')
    expect(
      w.elb('DescribeTags', { ResourceArns: [pair.listenerArn] }).TagDescriptions[0].Tags
    ).toHaveLength(50)
    expect(
      awsError(() => w.elb('DescribeTags', { ResourceArns: [`${pair.listenerArn}0`] })).code
    ).toBe('ListenerNotFound')
  })
})
