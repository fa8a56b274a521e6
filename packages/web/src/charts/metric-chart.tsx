import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { themeColor } from '../components/theme'
import type { XAxis } from '../navigation/url-state'
import { LINE_COLORS } from './line-colors'
import { alignLines, type ChartLine } from './series'

export interface MetricChartProps {
  title: string
  lines: ChartLine[]
  xAxis: XAxis
  isLogScale: boolean
  height?: number
  /** The x range shown, when zoomed in; null shows all the data. */
  zoom?: [number, number] | null
  /** The x range the user zoomed to (drag), or null when zoomed out (double-click). */
  onZoom?: (range: [number, number] | null) => void
  /** Called with the chart's width in CSS pixels, which is how many points are worth fetching. */
  onWidth?: (width: number) => void
}

const X_LABELS: Record<XAxis, string> = { step: 'step', wall: 'time', relative: 'seconds since start' }

function buildOptions(props: MetricChartProps, width: number): uPlot.Options {
  const axisColor = themeColor('--text-muted')
  const gridColor = themeColor('--border')
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: axisColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
  })
  return {
    width,
    height: props.height ?? 240,
    scales: {
      x: { time: props.xAxis === 'wall' },
      y: props.isLogScale ? { distr: 3 } : {},
    },
    axes: [axis(X_LABELS[props.xAxis]), axis(props.title)],
    series: [
      { label: X_LABELS[props.xAxis] },
      ...props.lines.map((line, i) => ({
        label: line.label,
        stroke: LINE_COLORS[i % LINE_COLORS.length],
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      })),
    ],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
  }
}

/**
 * One metric chart drawn by uPlot (canvas), fast with tens of thousands of points. Hovering
 * shows the values in the legend; dragging zooms, double-click zooms out. Marks its container
 * `data-drawn` once drawn with data, and the first such draw on the page with a performance mark
 * (`provena:chart-drawn`) that the UI benchmark reads.
 */
export function MetricChart(props: MetricChartProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const plotRef = useRef<uPlot | null>(null)
  const propsRef = useRef(props)
  propsRef.current = props
  const shapeKey = `${props.xAxis}|${props.isLogScale}|${props.lines.map((l) => l.label).join('\n')}|${props.height}`

  // A new plot when the series or axes change; new data alone goes through setData below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the plot is rebuilt only when its shape changes
  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const width = Math.max(200, container.clientWidth)
    const options = buildOptions(propsRef.current, width)
    options.hooks = {
      draw: [
        (u) => {
          const hasData = (u.data[0]?.length ?? 0) > 0
          if (!hasData) return
          if (container.dataset.drawn !== 'true') {
            container.dataset.drawn = 'true'
            if (performance.getEntriesByName('provena:chart-drawn').length === 0)
              performance.mark('provena:chart-drawn')
          }
        },
      ],
      setSelect: [
        (u) => {
          if (u.select.width <= 0) return
          const min = u.posToVal(u.select.left, 'x')
          const max = u.posToVal(u.select.left + u.select.width, 'x')
          propsRef.current.onZoom?.([min, max])
        },
      ],
    }
    const plot = new uPlot(options, alignLines(propsRef.current.lines) as uPlot.AlignedData, container)
    plotRef.current = plot
    const onDoubleClick = () => {
      if (propsRef.current.zoom) propsRef.current.onZoom?.(null)
    }
    container.addEventListener('dblclick', onDoubleClick)
    const resize = new ResizeObserver(() => {
      const next = Math.max(200, container.clientWidth)
      if (next !== plot.width) plot.setSize({ width: next, height: plot.height })
      propsRef.current.onWidth?.(next)
    })
    resize.observe(container)
    propsRef.current.onWidth?.(width)
    return () => {
      resize.disconnect()
      container.removeEventListener('dblclick', onDoubleClick)
      plot.destroy()
      plotRef.current = null
      delete container.dataset.drawn
    }
  }, [shapeKey])

  const { lines, zoom } = props
  useEffect(() => {
    const plot = plotRef.current
    if (!plot) return
    // Finer points for a zoomed range arrive as new data: keep the zoom instead of resetting it.
    plot.setData(alignLines(lines) as uPlot.AlignedData, !zoom)
    if (zoom) plot.setScale('x', { min: zoom[0], max: zoom[1] })
  }, [lines, zoom])

  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={containerRef} className="chart-canvas" role="img" aria-label={`Chart of ${props.title}`} />
    </figure>
  )
}
