// A horizontal bar chart (SVG) of Manouche's throughput ratio to each contender, per test.
const COLORS = { raw: '#6b7280', fastify: '#2563eb', 'express-typeorm': '#d97706' };

/** rows: [{ test, against, ratio, target? }]; a target is drawn as a red tick across its bar. */
export function ratioChart(rows, { title = 'Manouche ÷ contender: requests per CPU-second (server + PostgreSQL)' } = {}) {
  const barHeight = 16;
  const gap = 6;
  const groupGap = 14;
  const left = 170;
  const width = 720;
  const scaleMax = Math.max(2, ...rows.map((r) => r.ratio)) * 1.05;
  const x = (v) => left + (v / scaleMax) * (width - left - 60);
  const tests = [...new Set(rows.map((r) => r.test))];
  let y = 50;
  const parts = [];
  for (const test of tests) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${test}</text>`);
    for (const r of rows.filter((row) => row.test === test)) {
      parts.push(
        `<text x="${left - 8}" y="${y + 12}" text-anchor="end">vs ${r.against}</text>`,
        `<rect x="${left}" y="${y}" width="${x(r.ratio) - left}" height="${barHeight}" fill="${COLORS[r.against] ?? '#888'}"/>`,
        `<text x="${x(r.ratio) + 6}" y="${y + 12}">${r.ratio.toFixed(2)}×</text>`,
      );
      if (r.target !== undefined) parts.push(`<line x1="${x(r.target)}" y1="${y - 2}" x2="${x(r.target)}" y2="${y + barHeight + 2}" stroke="#dc2626" stroke-width="2"><title>target ${r.target}×</title></line>`);
      y += barHeight + gap;
    }
    y += groupGap;
  }
  const one = x(1);
  const height = y + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">${title}</text>
<line x1="${one}" y1="40" x2="${one}" y2="${height - 15}" stroke="#111" stroke-dasharray="4 3"/>
<text x="${one + 4}" y="38">1.0×</text>
<text x="${width - 10}" y="38" text-anchor="end" fill="#dc2626">| target</text>
${parts.join('\n')}
</svg>
`;
}
