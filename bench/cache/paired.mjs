// In-process A/B timing that survives this machine's speed drift (other
// processes share its two cores): the two contenders run in small alternating
// chunks, each chunk's time is compared with its neighbour's, and a round's
// ratio is the median of those neighbour ratios, so a burst of noise during
// one chunk does not tip the result. The reported ratio is the median over
// rounds.
import { fmt, median } from '../lib/stats.mjs';

/**
 * contenders: { name: async (ops) => void } (exactly two), each running `ops`
 * operations its own way (a loop of awaited gets, batches of concurrent ones…).
 * Returns { [name]: ns per operation per round (median chunk), ratio: per
 * round (second ÷ first), median }.
 */
export async function paired(label, contenders, { rounds = 7, chunks = 40, chunkOps = 10_000, log = console.error } = {}) {
  const names = Object.keys(contenders);
  if (names.length !== 2) throw new Error('paired() compares exactly two contenders');
  const run = async (fn) => {
    const started = process.hrtime.bigint();
    await fn(chunkOps);
    return Number(process.hrtime.bigint() - started) / chunkOps;
  };
  for (const name of names) for (let c = 0; c < 5; c++) await run(contenders[name]); // warm up
  const result = { ratio: [] };
  for (const name of names) result[name] = [];
  for (let round = 0; round < rounds; round++) {
    const times = Object.fromEntries(names.map((n) => [n, []]));
    const ratios = [];
    for (let c = 0; c < chunks; c++) {
      const order = c % 2 ? [...names].reverse() : names;
      const pair = {};
      for (const name of order) pair[name] = await run(contenders[name]);
      for (const name of names) times[name].push(pair[name]);
      ratios.push(pair[names[1]] / pair[names[0]]);
    }
    for (const name of names) result[name].push(median(times[name]));
    result.ratio.push(median(ratios));
    log(`round ${round + 1} ${label}: ${names.map((n) => `${n} ${fmt(median(times[n]), 1)} ns/op`).join(', ')}; ratio ${fmt(median(ratios), 3)}`);
  }
  result.median = median(result.ratio);
  return result;
}
