import type { Sample } from './run.ts';

interface Series {
  name: string;
  points: [number, number][];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A line chart as inline SVG: no scripts, no external files, so the page stands alone. */
function chart(title: string, unit: string, series: Series[]): string {
  const w = 760, h = 240, left = 60, bottom = 30, top = 28;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<h2>${esc(title)}</h2><p>No data.</p>`;
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const maxY = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number) => left + (v / maxX) * (w - left - 10);
  const y = (v: number) => h - bottom - (v / maxY) * (h - bottom - top);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = maxY * f;
    return `<line x1="${left}" x2="${w - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v >= 100 ? Math.round(v) : v.toFixed(1)}</text>`;
  });
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<text x="${left + 10 + i * 150}" y="16" font-size="12" fill="${COLORS[i % COLORS.length]}">■ ${esc(s.name)}</text>`);
  return `<h2>${esc(title)}</h2><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">
${ticks.join('')}<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="#9ca3af"/><line x1="${left}" x2="${w - 10}" y1="${h - bottom}" y2="${h - bottom}" stroke="#9ca3af"/>
<text x="${w - 10}" y="${h - 8}" text-anchor="end" font-size="11">${maxX} s</text><text x="${left}" y="${h - 8}" font-size="11">0 s</text><text x="12" y="${(h - bottom + top) / 2}" font-size="11" transform="rotate(-90 12 ${(h - bottom + top) / 2})" text-anchor="middle">${esc(unit)}</text>
${lines.join('\n')}${legend.join('')}</svg>`;
}

/** The self-contained HTML page of one run: headline numbers, then the charts. */
export function renderHtml(report: Record<string, unknown>, timeline: Sample[]): string {
  const perProcess = new Map<string, Series>();
  for (const s of timeline) {
    for (const p of s.processes) {
      const key = `${p.role} ${p.pid}`;
      const series = perProcess.get(key) ?? { name: key, points: [] };
      series.points.push([s.t, p.rssMiB]);
      perProcess.set(key, series);
    }
  }
  const rows = Object.entries(report)
    .filter(([k]) => k !== 'timeline')
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code></td></tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Wetty load test: ${esc(String(report.scenario))}</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}code{white-space:pre-wrap;word-break:break-all}</style></head><body>
<h1>Wetty load test: ${esc(String(report.scenario))}</h1>
<table>${rows}</table>
${chart('Sockets open over time', 'sockets', [{ name: 'open sockets', points: timeline.map((s) => [s.t, s.open]) }])}
${chart('Send → deliver latency over time', 'ms', [
    { name: 'p50 per second', points: timeline.filter((s) => s.latencyP50 !== null).map((s) => [s.t, s.latencyP50 as number]) },
    { name: 'max per second', points: timeline.filter((s) => s.latencyMax !== null).map((s) => [s.t, s.latencyMax as number]) },
  ])}
${chart('Sends and deliveries per second', 'per second', [
    { name: 'sends/s', points: timeline.map((s) => [s.t, s.sendsPerS]) },
    { name: 'deliveries/s', points: timeline.map((s) => [s.t, s.deliveriesPerS]) },
  ])}
${chart('Memory (RSS) per server process', 'MiB', [...perProcess.values()])}
</body></html>`;
}
