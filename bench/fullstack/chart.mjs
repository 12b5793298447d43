// A horizontal bar chart (SVG) of Manouche's ratio to each contender, per test. The axis is
// logarithmic, so 0.5× and 2× sit at the same distance from 1× and the targets around 0.7–1×
// stay readable next to the 5× of Express + TypeORM.
const COLORS = { raw: '#6b7280', fastify: '#2563eb', 'express-typeorm': '#d97706' };
const TICKS = [0.25, 0.5, 1, 2, 4, 8];

/** rows: [{ test, against, ratio, target? }]; a target is drawn as a red tick across its bar. */
export function ratioChart(rows, { title = 'Manouche ÷ contender: requests per CPU-second (server + PostgreSQL)', subtitle = '' } = {}) {
  const barHeight = 16;
  const gap = 6;
  const groupGap = 14;
  const left = 250;
  const width = 760;
  const values = rows.flatMap((r) => [r.ratio, r.target ?? 1]).filter((v) => v > 0);
  const low = Math.min(0.5, ...values) / 1.1;
  const high = Math.max(2, ...values) * 1.15;
  const x = (v) => left + ((Math.log(v) - Math.log(low)) / (Math.log(high) - Math.log(low))) * (width - left - 60);
  const tests = [...new Set(rows.map((r) => r.test))];
  const top = subtitle ? 64 : 50;
  let y = top;
  const parts = [];
  for (const test of tests) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${test}</text>`);
    for (const r of rows.filter((row) => row.test === test)) {
      const end = x(r.ratio);
      const labelAt = Math.max(end, r.target === undefined ? 0 : x(r.target)) + 6;
      parts.push(
        `<text x="${left - 8}" y="${y + 12}" text-anchor="end">vs ${r.against}</text>`,
        `<rect x="${left}" y="${y}" width="${Math.max(1, end - left)}" height="${barHeight}" fill="${COLORS[r.against.split(' ')[0]] ?? '#888'}"/>`,
        `<text x="${labelAt}" y="${y + 12}">${r.ratio.toFixed(r.target !== undefined && Math.abs(r.ratio - r.target) < 0.005 ? 3 : 2)}×${r.target === undefined ? '' : r.ratio >= r.target ? ' ✓' : ' ✗'}</text>`,
      );
      if (r.target !== undefined) parts.push(`<line x1="${x(r.target)}" y1="${y - 2}" x2="${x(r.target)}" y2="${y + barHeight + 2}" stroke="#dc2626" stroke-width="2"><title>target ${r.target}×</title></line>`);
      y += barHeight + gap;
    }
    y += groupGap;
  }
  const height = y + 20;
  const grid = TICKS.filter((t) => t >= low && t <= high).map(
    (t) => `<line x1="${x(t)}" y1="${top - 8}" x2="${x(t)}" y2="${height - 15}" stroke="${t === 1 ? '#111' : '#d1d5db'}" stroke-dasharray="${t === 1 ? '4 3' : '2 3'}"/><text x="${x(t)}" y="${top - 12}" text-anchor="middle" fill="${t === 1 ? '#111' : '#6b7280'}">${t}×</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">${title}</text>
${subtitle ? `<text x="10" y="40" fill="#374151">${subtitle}</text>\n` : ''}<text x="${width - 10}" y="22" text-anchor="end" fill="#dc2626">| target</text>
${grid.join('\n')}
${parts.join('\n')}
</svg>
`;
}
