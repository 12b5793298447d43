// Runs once before a package's tests: find out which real servers answer, so
// tests can use them (or, outside CI, say clearly why they were skipped).
const net = require('node:net');

const SERVICES = {
  postgres: { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432) },
  mysql: { host: process.env.MYSQL_HOST || '127.0.0.1', port: Number(process.env.MYSQL_PORT || 3306) },
  redis: { host: new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379').hostname, port: Number(new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379').port || 6379) },
};

function reachable({ host, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async function globalSetup() {
  const up = [];
  for (const [name, address] of Object.entries(SERVICES)) if (await reachable(address)) up.push(name);
  process.env.MANOUCHE_TEST_SERVICES = up.join(',');
};
