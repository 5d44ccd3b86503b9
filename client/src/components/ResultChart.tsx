import { useDesignSystemTheme } from "@databricks/design-system";
import type { ReactElement } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { type ChartKind, type Column, histogram, records } from "../sqlChart";

type Props = { kind: ChartKind; columns: Column[]; rows: unknown[][]; x: string; y: string };

/** A chart of a result page, as accessible SVG (recharts' keyboard and screen-reader layer). */
export function ResultChart({ kind, columns, rows, x, y }: Props) {
  const { theme } = useDesignSystemTheme();
  const color = theme.colors.actionPrimaryBackgroundDefault;
  const axis = { stroke: theme.colors.textSecondary, tick: { fill: theme.colors.textSecondary } };
  const data = records(columns, rows);
  const label = kind === "histogram" ? `Histogram of ${y}` : `${kind} chart of ${y} by ${x}`;
  const grid = <CartesianGrid stroke={theme.colors.border} strokeDasharray="3 3" />;
  const tooltip = (
    <Tooltip contentStyle={{ background: theme.colors.backgroundPrimary, color: theme.colors.textPrimary }} />
  );
  let chart: ReactElement;
  if (kind === "histogram") {
    const buckets = histogram(
      data.map((d) => Number(d[y])),
      20,
    );
    chart = (
      <BarChart data={buckets} accessibilityLayer>
        {grid}
        <XAxis dataKey="bucket" {...axis} />
        <YAxis {...axis} />
        {tooltip}
        <Bar dataKey="count" fill={color} isAnimationActive={false} />
      </BarChart>
    );
  } else if (kind === "scatter") {
    chart = (
      <ScatterChart accessibilityLayer>
        {grid}
        <XAxis dataKey={x} name={x} {...axis} />
        <YAxis dataKey={y} name={y} {...axis} />
        {tooltip}
        <Scatter data={data} fill={color} isAnimationActive={false} />
      </ScatterChart>
    );
  } else {
    const Chart = { bar: BarChart, line: LineChart, area: AreaChart }[kind];
    chart = (
      <Chart data={data} accessibilityLayer>
        {grid}
        <XAxis dataKey={x} {...axis} />
        <YAxis {...axis} />
        {tooltip}
        {kind === "bar" ? <Bar dataKey={y} fill={color} isAnimationActive={false} /> : null}
        {kind === "line" ? <Line dataKey={y} stroke={color} isAnimationActive={false} /> : null}
        {kind === "area" ? <Area dataKey={y} stroke={color} fill={color} isAnimationActive={false} /> : null}
      </Chart>
    );
  }
  return (
    <figure style={{ margin: 0 }} aria-label={label}>
      <div style={{ width: "100%", height: 320 }}>
        <ResponsiveContainer>{chart}</ResponsiveContainer>
      </div>
      <figcaption>
        {label} ({rows.length} rows of this page)
      </figcaption>
    </figure>
  );
}
