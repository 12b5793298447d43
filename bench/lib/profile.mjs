// Summarise a V8 .cpuprofile (from `node --cpu-prof`): where the time goes, by function and by
// package, as the share of all samples. Self time says which function burns the CPU; inclusive
// time (self + callees) says which layer a request spends it under.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Which package a script URL belongs to: '@manouche/orm', 'pg', 'node', 'bench', or '(gc)' and friends. */
export function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node';
  const manouche = /\/packages\/([^/]+)\//.exec(url);
  if (manouche) return `@manouche/${manouche[1]}`;
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules) return modules[1];
  if (url.includes('/bench/')) return 'bench';
  return url;
}

const where = (frame) => {
  if (!frame.url) return '';
  const path = frame.url.startsWith('file://') ? relative(ROOT, fileURLToPath(frame.url)) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
};

/**
 * { totalMs, self: [{ fn, where, pkg, ms, pct }], inclusive: [...], packages: [{ pkg, ms, pct }] }
 * for the profile at `file`; idle time is left out of the total (it is time with no request).
 */
export function summarize(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0));
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame)}`;
  const self = new Map();
  const inclusive = new Map();
  const packages = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node.callFrame.functionName === '(idle)') continue;
    total += us;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    // inclusive: count this sample once for every distinct function on its stack
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const rows = (map) =>
    [...map]
      .map(([key, us]) => {
        const [fn, at] = key.split('\u0000');
        const url = at.replace(/:\d+$/, '');
        return { fn, where: at, pkg: packageOf(url.startsWith('node:') ? url : url && `/${url}`, fn), ms: us / 1000, pct: (100 * us) / total };
      })
      .sort((a, b) => b.ms - a.ms);
  return {
    totalMs: total / 1000,
    self: rows(self),
    inclusive: rows(inclusive).filter((r) => !['(root)', '(program)'].includes(r.fn)),
    packages: [...packages].map(([pkg, us]) => ({ pkg, ms: us / 1000, pct: (100 * us) / total })).sort((a, b) => b.ms - a.ms),
  };
}
