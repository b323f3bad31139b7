/** One bar of a chart: its label (on the axis and in the data table) and its stacked parts. */
export interface Bar {
  readonly label: string
  readonly parts: readonly number[]
}

export interface BarChartProps {
  /** The chart's name, for the figure caption and screen readers. */
  readonly title: string
  /** What each stacked part is, in order (the legend and the table's columns). */
  readonly series: readonly string[]
  readonly bars: readonly Bar[]
  /** The y-axis unit, e.g. "requests". */
  readonly unit: string
}

const width = 640
const height = 200
const margin = { top: 12, right: 8, bottom: 28, left: 44 }

/** A stacked bar chart in SVG, with its data as a table beside it for those who cannot see the chart. */
export function BarChart({ title, series, bars, unit }: BarChartProps) {
  const totals = bars.map((bar) => bar.parts.reduce((sum, part) => sum + part, 0))
  const max = Math.max(1, ...totals)
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const step = plotWidth / Math.max(1, bars.length)
  const barWidth = Math.min(48, Math.max(2, step * 0.8))
  const y = (value: number) => margin.top + plotHeight - (value / max) * plotHeight
  const labelEvery = Math.max(1, Math.ceil(bars.length / 8))
  const summary = `${title}: ${bars.length} bars, at most ${max} ${unit}.`
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} data-chart={title}>
        <title>{summary}</title>
        <line class="axis" x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} />
        <text class="tick" x={margin.left - 6} y={y(max) + 4} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={margin.left - 6} y={y(0) + 4} text-anchor="end">
          0
        </text>
        {bars.map((bar, index) => {
          let base = 0
          const x = margin.left + index * step + (step - barWidth) / 2
          return (
            <g key={bar.label}>
              {bar.parts.map((part, partIndex) => {
                const top = y(base + part)
                const rect = (
                  <rect
                    key={series[partIndex]}
                    class={`series-${partIndex}`}
                    x={x}
                    y={top}
                    width={barWidth}
                    height={Math.max(0, y(base) - top)}
                  >
                    <title>{`${bar.label}: ${part} ${series[partIndex]}`}</title>
                  </rect>
                )
                base += part
                return rect
              })}
              {index % labelEvery === 0 ? (
                <text class="tick" x={x + barWidth / 2} y={height - 8} text-anchor="middle">
                  {bar.label}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
      {series.length > 1 ? (
        <ul class="legend">
          {series.map((name, index) => (
            <li key={name}>
              <span class={`swatch series-${index}`} aria-hidden="true" />
              {name}
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>{title}: the data as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Bar</th>
              {series.map((name) => (
                <th scope="col" key={name}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.label}</th>
                {bar.parts.map((part, index) => (
                  <td key={series[index]}>{part}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
