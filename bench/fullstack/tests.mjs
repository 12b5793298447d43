import { checks } from './checks.mjs';

/** The six TechEmpower-style tests, their correctness checks and Manouche's targets against raw. */
export const TESTS = {
  json: { path: '/json', check: checks.json, target: 0.9 },
  db: { path: '/db', check: checks.db, target: 0.9 },
  'queries (20)': { path: '/queries?queries=20', check: checks.queries(20), target: 0.85 },
  fortunes: { path: '/fortunes', check: checks.fortunes, target: 0.85 },
  'updates (20)': { path: '/updates?queries=20', check: checks.queries(20), target: 0.8 },
  // Manouche's /page (full default middleware stack) against raw's plain /fortunes
  page: { path: '/page', paths: { raw: '/fortunes' }, check: checks.fortunes, target: 0.7, only: ['manouche', 'raw'] },
};

/** Extra answers every contender must get right (edge cases of ?queries=). */
export const EDGE_CASES = [
  { path: '/queries?queries=0', check: checks.queries(1) },
  { path: '/queries?queries=foo', check: checks.queries(1) },
  { path: '/queries?queries=501', check: checks.queries(500) },
  { path: '/queries', check: checks.queries(1) },
];
