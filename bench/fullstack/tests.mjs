import { checks } from './checks.mjs';

/**
 * The five TechEmpower-style tests every contender answers, their correctness checks and
 * Manouche's targets against raw. `persisted`: the rows answered are checked against the table.
 */
export const TESTS = {
  json: { path: '/json', check: checks.json, target: 0.9 },
  db: { path: '/db', check: checks.db, target: 0.9, persisted: true },
  'queries (20)': { path: '/queries?queries=20', check: checks.queries(20), target: 0.85, persisted: true },
  fortunes: { path: '/fortunes', check: checks.fortunes, target: 0.85 },
  'updates (20)': { path: '/updates?queries=20', check: checks.queries(20), target: 0.8, persisted: true },
};

/**
 * /page: the fortunes page through Manouche's full default middleware stack (the manouche-site
 * contender), against raw's plain /fortunes.
 */
export const PAGE_TEST = {
  page: { path: '/page', paths: { raw: '/fortunes' }, check: checks.page, checks: { raw: checks.fortunes }, target: 0.7 },
};

/** Extra answers every contender must get right: the edge cases of ?queries=. */
export const EDGE_CASES = [
  { path: '/queries?queries=0', check: checks.queries(1) },
  { path: '/queries?queries=foo', check: checks.queries(1) },
  { path: '/queries?queries=501', check: checks.queries(500) },
  { path: '/queries', check: checks.queries(1) },
  { path: '/updates?queries=foo', check: checks.queries(1), persisted: true },
  { path: '/updates?queries=501', check: checks.queries(500), persisted: true },
];
