/**
 * Reads a Mermaid `xychart-beta` the way Mermaid's grammar (xychart.jison) does for the
 * statements the chart uses, and refuses anything else. Mermaid itself is not installed.
 */

export interface XyChart {
  title: string
  xTitle: string
  categories: string[]
  yTitle: string
  yRange: [number, number]
  lines: { name: string; values: number[] }[]
}

const TEXT = '"([^"\\n]*)"'
const NUMBER = '[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)'

export function parseXyChart(fenced: string): XyChart {
  const lines = fenced.split('\n')
  if (lines[0] !== '```mermaid' || lines.at(-1) !== '```') throw new Error('not a mermaid fence')
  const body = lines.slice(1, -1)
  if (body[0] !== 'xychart-beta') throw new Error(`first line: ${body[0]}`)
  const chart: XyChart = {
    title: '',
    xTitle: '',
    categories: [],
    yTitle: '',
    yRange: [0, 0],
    lines: []
  }
  for (const raw of body.slice(1)) {
    const line = raw.trim()
    // a `%%` starts a comment and `;` ends a statement anywhere outside a string
    if (/%%|;/.test(line.replace(/"[^"]*"/g, '""'))) throw new Error(`comment or ';' in: ${line}`)
    let m: RegExpExecArray | null
    if ((m = new RegExp(`^title ${TEXT}$`).exec(line))) chart.title = m[1]!
    else if ((m = new RegExp(`^x-axis ${TEXT} \\[(.*)\\]$`).exec(line))) {
      chart.xTitle = m[1]!
      chart.categories = list(m[2]!, TEXT).map((c) => c.slice(1, -1))
    } else if ((m = new RegExp(`^y-axis ${TEXT} (${NUMBER}) --> (${NUMBER})$`).exec(line))) {
      chart.yTitle = m[1]!
      chart.yRange = [Number(m[2]), Number(m[3])]
    } else if ((m = new RegExp(`^line ${TEXT} \\[(.*)\\]$`).exec(line))) {
      chart.lines.push({ name: m[1]!, values: list(m[2]!, NUMBER).map(Number) })
    } else throw new Error(`not a statement of the chart: ${line}`)
  }
  for (const series of chart.lines)
    if (series.values.length !== chart.categories.length)
      throw new Error(
        `line ${series.name}: ${series.values.length} values, ${chart.categories.length} categories`
      )
  return chart
}

function list(items: string, item: string): string[] {
  if (!new RegExp(`^${item}(, ${item})*$`).test(items)) throw new Error(`bad list: [${items}]`)
  return items.match(new RegExp(item, 'g')) ?? []
}
