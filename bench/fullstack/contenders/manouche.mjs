// Manouche on the TechEmpower tests: the project's URLs with core's default MIDDLEWARE
// (commonMiddleware: the ALLOWED_HOSTS check and APPEND_SLASH), as TechEmpower's Django entry
// keeps its middleware to the minimum. The full default stack is manouche-site.mjs.
import { createApp, runServer } from '@manouche/core';
import { settings, urls } from './manouche-project.mjs';

const app = createApp({ settings, urls });
const server = await runServer(app, { port: Number(process.env.PORT ?? 0) });
console.log(`listening ${server.url}`);
