/** Small SVG charts: no chart library, so the pages stay light. */
import { cn } from "@/lib/utils";

export interface Bar {
  label: string;
  value: number;
  href?: string;
}

export function BarChart({
  bars,
  format = (v) => String(v),
  label,
  className,
}: {
  bars: Bar[];
  format?: (v: number) => string;
  label: string;
  className?: string;
}) {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  if (!bars.length) return <p className="text-sm text-muted-foreground">No data in this period.</p>;
  return (
    <ul className={cn("grid gap-1.5", className)} aria-label={label}>
      {bars.map((b) => (
        <li key={b.label} className="grid grid-cols-[minmax(6rem,10rem)_1fr_auto] items-center gap-2 text-sm">
          <span className="truncate" title={b.label}>
            {b.href ? (
              <a href={b.href} className="underline-offset-2 hover:underline">
                {b.label}
              </a>
            ) : (
              b.label
            )}
          </span>
          <span className="h-3 rounded-sm bg-muted" aria-hidden>
            <span className="block h-3 rounded-sm bg-sky-600" style={{ width: `${(b.value / max) * 100}%` }} />
          </span>
          <span className="tabular-nums">{format(b.value)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Values over time as columns (e.g. cost per day). */
export function ColumnChart({
  points,
  format = (v) => String(v),
  label,
}: {
  points: { x: string; y: number }[];
  format?: (v: number) => string;
  label: string;
}) {
  if (!points.length) return <p className="text-sm text-muted-foreground">No data in this period.</p>;
  const max = Math.max(1e-9, ...points.map((p) => p.y));
  const w = 24;
  const h = 120;
  return (
    <figure className="overflow-x-auto">
      <svg role="img" aria-label={label} width={points.length * (w + 6)} height={h + 36} className="text-sky-600">
        {points.map((p, i) => {
          const bh = Math.max(1, (p.y / max) * h);
          return (
            <g key={p.x} transform={`translate(${i * (w + 6)},0)`}>
              <title>{`${p.x}: ${format(p.y)}`}</title>
              <rect x={0} y={h - bh} width={w} height={bh} rx={2} fill="currentColor" />
              <text x={w / 2} y={h + 14} textAnchor="middle" fontSize={9} className="fill-muted-foreground">
                {p.x.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{points.map((p) => `${p.x}: ${format(p.y)}`).join(", ")}</figcaption>
    </figure>
  );
}

export function Stat({ label, value, href, hint }: { label: string; value: React.ReactNode; href?: string; hint?: string }) {
  const body = (
    <>
      <p className="text-xs font-medium text-muted-foreground">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {hint ? <p className="mt-1 text-xs text-muted-foreground">{hint}</p> : null}
    </>
  );
  const cls = "block rounded-lg border bg-card p-4";
  return href ? (
    <a href={href} className={cn(cls, "hover:border-foreground/30 focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none")}>
      {body}
    </a>
  ) : (
    <div className={cls}>{body}</div>
  );
}
