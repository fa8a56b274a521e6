import type { ChartOptions, XAxis } from '../navigation/url-state'

/** The controls every chart page shares: x axis, log scale and smoothing (kept in the URL). */
export function ChartOptionsBar({
  options,
  onChange,
}: {
  options: ChartOptions
  onChange: (options: ChartOptions) => void
}) {
  return (
    <fieldset className="toolbar chart-options" aria-label="Chart options">
      <label>
        X axis
        <select value={options.xAxis} onChange={(e) => onChange({ ...options, xAxis: e.target.value as XAxis })}>
          <option value="step">step</option>
          <option value="wall">wall time</option>
          <option value="relative">relative time</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={options.isLogScale}
          onChange={(e) => onChange({ ...options, isLogScale: e.target.checked })}
        />
        log scale
      </label>
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={options.smoothing}
          onChange={(e) => onChange({ ...options, smoothing: Number(e.target.value) })}
        />
        <output>{options.smoothing.toFixed(2)}</output>
      </label>
      <span className="muted">Drag on a chart to zoom, double-click to zoom out.</span>
    </fieldset>
  )
}
