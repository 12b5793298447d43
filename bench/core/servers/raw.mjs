// The floor: node:http with the routing and parameter parsing done by hand.
import { createServer } from 'node:http';

const PARAMS = /^\/articles\/(\d+)\/([-a-zA-Z0-9_]+)\/([^/]+)\/$/;

const server = createServer((req, res) => {
  if (req.url === '/json') {
    const body = JSON.stringify({ message: 'Hello, World!' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const m = PARAMS.exec(req.url);
  if (m) {
    const body = JSON.stringify({ id: Number(m[1]), slug: m[2], name: decodeURIComponent(m[3]) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
