// Validating and rendering a ten-field sign-up form with @manouche/forms, against the same
// validation written with zod, side by side in one process.
//
//   (cd packages/core && npx tsup) && (cd packages/forms && npx tsup)
//   node bench/forms/validate.bench.mjs             # 7 rounds
//   node bench/forms/validate.bench.mjs --rounds 3 --ms 500
//
// Each round alternates the two contenders in slices of a few milliseconds (so both see the same
// machine: its speed drifts, and other jobs come and go) and takes the ratio of their times; the
// figure reported is the median of those paired ratios over the rounds.
import { defineForm, fields, Textarea } from '@manouche/forms';
import { z } from 'zod';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';

const opts = { rounds: 7, ms: 1000, ...flags() };

// The same rules twice: the form as a developer writes it, and zod doing the same work
// (trim, lengths, email, integer range from text, URL, enum, checkbox, ISO date, decimal places).
const SignupForm = defineForm({
  username: fields.CharField({ minLength: 3, maxLength: 30 }),
  email: fields.EmailField(),
  age: fields.IntegerField({ minValue: 13, maxValue: 120 }),
  website: fields.URLField({ required: false }),
  bio: fields.CharField({ required: false, maxLength: 500, widget: Textarea }),
  plan: fields.ChoiceField({ choices: [['free', 'Free'], ['pro', 'Pro'], ['team', 'Team']] }),
  newsletter: fields.BooleanField({ required: false }),
  birthday: fields.DateField(),
  budget: fields.DecimalField({ maxDigits: 8, decimalPlaces: 2 }),
  country: fields.SlugField({ maxLength: 2 }),
});

const text = (min, max) => z.string().trim().min(min).max(max);
const signupSchema = z.object({
  username: text(3, 30),
  email: z.string().trim().pipe(z.email()),
  age: z.string().trim().regex(/^[+-]?\d+$/).transform(Number).pipe(z.number().int().min(13).max(120)),
  website: z.union([z.literal(''), z.string().trim().pipe(z.url())]).optional(),
  bio: z.string().trim().max(500).optional(),
  plan: z.enum(['free', 'pro', 'team']),
  newsletter: z.string().optional().transform((v) => v !== undefined && v !== ''),
  birthday: z.string().trim().pipe(z.iso.date()),
  budget: z.string().trim().regex(/^[+-]?\d{1,6}(\.\d{1,2})?$/),
  country: z.string().trim().regex(/^[-a-zA-Z0-9_]+$/).max(2),
});

const valid = {
  username: 'ann_smith', email: 'ann@example.com', age: '34', website: 'https://example.com/ann', bio: 'Writes about jazz manouche.',
  plan: 'pro', newsletter: 'on', birthday: '1990-05-17', budget: '1250.50', country: 'fr',
};
const invalid = { ...valid, username: 'a', email: 'ann@', age: '9', plan: 'gold', birthday: '1990-02-30', budget: '12.505' };

// Both contenders must agree before anything is timed.
function check() {
  const ok = new SignupForm({ data: valid });
  if (!ok.isValid()) throw new Error(`form refused valid data: ${JSON.stringify(ok.errors)}`);
  if (!signupSchema.safeParse(valid).success) throw new Error('zod refused valid data');
  const bad = new SignupForm({ data: invalid });
  if (bad.isValid() || Object.keys(bad.errors.toJSON()).length !== 6) throw new Error(`form errors: ${JSON.stringify(bad.errors)}`);
  const zodBad = signupSchema.safeParse(invalid);
  if (zodBad.success || new Set(zodBad.error.issues.map((i) => i.path[0])).size !== 6) throw new Error('zod should report the same six fields');
}

let sink = 0;
const RENDERS = ['render unbound', 'validate + render, valid data', 'render, 6 errors (validated)'];
const contenders = {
  'forms, valid': () => { const f = new SignupForm({ data: valid }); sink += f.isValid() ? f.cleanedData.age : 0; },
  'zod, valid': () => { const r = signupSchema.safeParse(valid); sink += r.success ? r.data.age : 0; },
  'forms, invalid': () => { const f = new SignupForm({ data: invalid }); sink += f.isValid() ? 0 : f.errors.size; },
  'zod, invalid': () => { const r = signupSchema.safeParse(invalid); sink += r.success ? 0 : r.error.issues.length; },
  'render unbound': () => { sink += new SignupForm().asDiv().length; },
  'validate + render, valid data': () => { sink += new SignupForm({ data: valid }).asDiv().length; },
  'render, 6 errors (validated)': () => { sink += validatedBad.asDiv().length; },
};
const validatedBad = new SignupForm({ data: invalid });
validatedBad.isValid();

/** Nanoseconds per call of `a` and of `b`, alternating slices of about 5 ms for `ms` in all. */
function paired(a, b, ms) {
  for (let i = 0; i < 2000; i++) { a(); b(); }
  const total = { a: 0, b: 0, na: 0, nb: 0 };
  // slice size: calls that take about 5 ms each
  const slice = (fn) => { const t = process.hrtime.bigint(); for (let i = 0; i < 200; i++) fn(); return Math.max(50, Math.round(200 * 5e6 / Number(process.hrtime.bigint() - t))); };
  const sa = slice(a);
  const sb = slice(b);
  const deadline = process.hrtime.bigint() + BigInt(ms) * 2_000_000n;
  let flip = false;
  while (process.hrtime.bigint() < deadline) {
    for (const [fn, n, key] of flip ? [[b, sb, 'b'], [a, sa, 'a']] : [[a, sa, 'a'], [b, sb, 'b']]) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      total[key] += Number(process.hrtime.bigint() - t);
      total[`n${key}`] += n;
    }
    flip = !flip;
  }
  return [total.a / total.na, total.b / total.nb];
}

/** Nanoseconds per call, over a fixed time budget. */
function time(fn, ms) {
  for (let i = 0; i < 2000; i++) fn(); // warm the call site
  let calls = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 500; i++) fn();
    calls += 500;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / calls;
}

check();
const pairs = [['forms, valid', 'zod, valid'], ['forms, invalid', 'zod, invalid']];
const ratios = Object.fromEntries(pairs.map(([a]) => [a, []]));
const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (let round = 0; round < opts.rounds; round++) {
  for (const [a, b] of pairs) {
    const [na, nb] = paired(contenders[a], contenders[b], opts.ms);
    samples[a].push(na);
    samples[b].push(nb);
    ratios[a].push(na / nb);
  }
  for (const name of RENDERS) samples[name].push(time(contenders[name], opts.ms));
  console.error(`[bench] round ${round + 1}/${opts.rounds}: ${pairs.map(([a]) => `${a} ×${ratios[a].at(-1).toFixed(2)}`).join(', ')}`);
}

const us = (ns) => fmt(ns / 1000, 2);
const rows = pairs.map(([a, b]) => {
  const ratio = median(ratios[a]);
  return [a.replace('forms, ', 'validate, '), `${us(median(samples[a]))} µs`, `${us(median(samples[b]))} µs`, `**×${ratio.toFixed(2)}**`, `×${Math.min(...ratios[a]).toFixed(2)}–×${Math.max(...ratios[a]).toFixed(2)}`, '≤ ×1.5', ratio <= 1.5 ? 'met' : '**missed**'];
});
const renderRows = RENDERS.map((name) => {
  const ns = median(samples[name]);
  return [name, `**${us(ns)} µs**`, `${us(Math.min(...samples[name]))} µs`, '≤ 50 µs', ns <= 50_000 ? 'met' : '**missed**'];
});
const os = await import('node:os');
console.log(`${await machine()}; ${opts.rounds} rounds of ${opts.ms} ms per contender; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
console.log(table(['10-field sign-up form', '@manouche/forms', 'zod 4', 'median paired ratio', 'range', 'target', ''], rows));
console.log();
console.log(table(['rendering the form (DefaultRenderer, asDiv)', 'median of rounds', 'fastest round', 'target', ''], renderRows));
if (sink === 0.5) console.log(sink);
