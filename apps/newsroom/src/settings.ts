import { resolve } from 'node:path';
import { defineSettings, staticFilesMiddleware, commonMiddleware } from '@manouche/core';

/** The newsroom's own folder (templates, static files, the SQLite file live under it). */
export const BASE_DIR = resolve(__dirname, '..');

const env = process.env;
const debug = (env.DEBUG ?? 'true') !== 'false';

export const settings = defineSettings({
  DEBUG: debug,
  // a development key is fine with DEBUG on; core refuses to start without a real one when it is off
  SECRET_KEY: env.SECRET_KEY ?? (debug ? 'manouche-insecure-newsroom-development-key-do-not-use-in-production' : ''),
  ALLOWED_HOSTS: env.ALLOWED_HOSTS ? env.ALLOWED_HOSTS.split(',') : ['127.0.0.1', 'localhost'],
  STATICFILES_DIRS: [resolve(BASE_DIR, 'static')],
  MIDDLEWARE: [staticFilesMiddleware, commonMiddleware],
});
