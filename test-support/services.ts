/**
 * Describe blocks for tests that need a real server. With the server up they
 * run; in CI (CI=true) a missing server fails the run; elsewhere the block is
 * skipped with a printed reason.
 */
export type Service = 'postgres' | 'mysql' | 'redis';

const ADDRESSES: Record<Service, string> = {
  postgres: `${process.env.PGHOST || '127.0.0.1'}:${process.env.PGPORT || 5432}`,
  mysql: `${process.env.MYSQL_HOST || '127.0.0.1'}:${process.env.MYSQL_PORT || 3306}`,
  redis: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
};

export function serviceAvailable(service: Service): boolean {
  return (process.env.MANOUCHE_TEST_SERVICES ?? '').split(',').includes(service);
}

export function describeWith(services: Service | Service[], name: string, fn: () => void): void {
  const needed = Array.isArray(services) ? services : [services];
  const missing = needed.filter((s) => !serviceAvailable(s));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const reason = missing.map((s) => `${s} is unreachable at ${ADDRESSES[s]}`).join('; ');
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it('needs its servers', () => {
        throw new Error(`${reason}: CI requires it (start it, see .ci/run)`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipped "${name}": ${reason}.`);
  describe.skip(name, fn);
}
