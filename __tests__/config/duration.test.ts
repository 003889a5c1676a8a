import { formatDuration, parseDuration } from '../../src/rollout/duration.js'

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h0m5s500ms', 3_605_500],
    ['0s', 0],
    [' 45s ', 45_000]
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    '30',
    '-5s',
    '5d',
    '1.5m',
    '5 s',
    '30s1m',
    '1m1m',
    's',
    '5S',
    '99999999999999999999h'
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it.each([
    [90_000, '1m30s'],
    [45_000, '45s'],
    [250, '250ms'],
    [7_200_000, '2h'],
    [0, '0s'],
    [3_723_004, '1h2m3s4ms']
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
    expect(parseDuration(text)).toBe(ms)
  })
})
