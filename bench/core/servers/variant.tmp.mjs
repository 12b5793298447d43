import { createApp, JsonResponse, path, runServer, HttpRequest, writeResponse } from '@manouche/core';
import { createServer } from 'node:http';
const variant = process.env.VARIANT;
const app = createApp({
  settings: { DEBUG: false, SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij', ALLOWED_HOSTS: ['127.0.0.1'], APPEND_SLASH: false, MIDDLEWARE: variant === 'nomw' ? [] : undefined },
  urls: [path('json', () => new JsonResponse({ message: 'Hello, World!' }))],
});
await app.ready();
let listener = app.listener;
if (variant === 'bare') {
  // request object + response object + write, no handle()
  listener = (req, res) => {
    const request = app.createRequest({ method: req.method, url: req.url, headers: req.headers, body: req, remoteAddress: req.socket.remoteAddress });
    writeResponse(request, new JsonResponse({ message: 'Hello, World!' }), res, false);
  };
}
if (variant === 'resolve') {
  listener = (req, res) => {
    const request = app.createRequest({ method: req.method, url: req.url, headers: req.headers, body: req, remoteAddress: req.socket.remoteAddress });
    const m = app.resolver.resolve(request.path);
    Promise.resolve(m.view(request, m.params)).then((r) => writeResponse(request, r, res, false));
  };
}
let n = 0; const counted = (req, res) => { n++; listener(req, res); };
const server = createServer(counted);
let base = process.cpuUsage(); let n0 = 0;
process.on("SIGUSR2", () => { base = process.cpuUsage(); n0 = n; });
process.on("SIGTERM", () => { const u = process.cpuUsage(base); console.log("cpu/req us", ((u.user + u.system) / (n - n0)).toFixed(2), "user", (u.user/(n-n0)).toFixed(2)); process.exit(0); });
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
