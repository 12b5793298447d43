// The newsroom exactly as `npm start` serves it (its built manage.js, `runserver --noreload`), on a
// free port, announcing `listening <url>` as bench/lib/process.mjs's startServer() expects.
//   node bench/newsroom/server.mjs   (settings from the environment: SQLITE_PATH, CACHE_URL, DEBUG…)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const manage = fileURLToPath(new URL('../../apps/newsroom/dist/manage.js', import.meta.url));
process.argv = [process.argv[0], manage, 'runserver', '--noreload', '127.0.0.1:0'];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const started = /server at (http:\/\/\S+?)\/? /.exec(String(chunk));
  if (started) write(`listening ${started[1]}\n`);
  return write(chunk, ...rest);
};
createRequire(import.meta.url)(manage);
