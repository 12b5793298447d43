// In-process timing of several contenders that survives this machine's speed drift (two cores
// shared with other processes): the contenders run in short chunks one after the other, in a
// rotating order, so each chunk of a contender is compared with the baseline's chunk of the same
// moment. A round's ratio is the median of those per-moment ratios; the result is the median of
// the rounds. (bench/cache/paired.mjs does the same for exactly two contenders.)
import { fmt, median } from '../lib/stats.mjs';

/**
 * contenders: { name: async (ops) => void }, the first one the baseline; each runs `ops`
 * operations. A chunk lasts about `chunkMs` for the baseline (its op count is calibrated once).
 * Returns { ops, names, [name]: { ns: per round (median chunk ns/op), ratio: per round, median } }.
 */
export async function interleaved(label, contenders, { rounds = 5, chunks = 20, chunkMs = 25, log = console.error } = {}) {
  const names = Object.keys(contenders);
  const [baseline] = names;
  const time = async (fn, ops) => {
    const started = process.hrtime.bigint();
    await fn(ops);
    return Number(process.hrtime.bigint() - started) / ops;
  };
  // calibrate on the baseline, then warm every contender up (JIT, statement caches)
  let ops = 1;
  while ((await time(contenders[baseline], ops)) * ops < chunkMs * 1e6 && ops < 1e6) ops *= 2;
  for (const name of names) for (let i = 0; i < 5; i++) await time(contenders[name], ops);
  const result = { ops, names };
  for (const name of names) result[name] = { ns: [], ratio: [] };
  for (let round = 0; round < rounds; round++) {
    const ns = Object.fromEntries(names.map((n) => [n, []]));
    const ratios = Object.fromEntries(names.map((n) => [n, []]));
    for (let c = 0; c < chunks; c++) {
      const order = names.map((_, i) => names[(i + c) % names.length]);
      const moment = {};
      for (const name of order) moment[name] = await time(contenders[name], ops);
      for (const name of names) {
        ns[name].push(moment[name]);
        ratios[name].push(moment[name] / moment[baseline]);
      }
    }
    for (const name of names) {
      result[name].ns.push(median(ns[name]));
      result[name].ratio.push(median(ratios[name]));
    }
    log(`round ${round + 1} ${label}: ${names.map((n) => `${n} ${fmt(median(ns[n]) / 1000, 2)} µs (${fmt(median(ratios[n]), 2)}×)`).join(', ')}`);
  }
  for (const name of names) result[name].median = median(result[name].ratio);
  return result;
}

/**
 * Markdown rows for a results table: one per contender of each test, with its median µs/op, its
 * ratio to the baseline (the median of the rounds, then each round's) and, for `subject`, the
 * target and whether it is met.
 */
export function resultRows(results, subject) {
  const rows = [];
  for (const [scenario, r] of results) {
    const [baseline, ...others] = r.names;
    rows.push([scenario.label, baseline, fmt(median(r[baseline].ns) / 1000, 2), '1', '', '', '']);
    for (const name of others) {
      const ratio = r[name].median;
      const target = name === subject ? scenario.target : undefined;
      rows.push(['', name, fmt(median(r[name].ns) / 1000, 2), name === subject ? `**${fmt(ratio, 2)}×**` : `${fmt(ratio, 2)}×`, r[name].ratio.map((x) => fmt(x, 2)).join(', '), target ? `≤ ${target}×` : '', target ? (ratio <= target ? 'met' : 'MISSED') : '']);
    }
  }
  return rows;
}

export const RESULT_HEADER = ['test', 'contender', 'µs/op (median)', '÷ raw', 'per round', 'target', ''];
