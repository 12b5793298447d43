// Manouche with the full default middleware stack, listed as @manouche/auth's README tells users
// to (security headers, host check, sessions, CSRF, auth's lazy user, messages, clickjacking),
// with security's and auth's context processors. It serves the project's URLs plus /page: the
// fortunes view again, now through every layer. One process, like every contender.
import { commonMiddleware, createApp, path, runServer } from '@manouche/core';
import { authApp, authenticationMiddleware, contextProcessors as authContextProcessors, messagesMiddleware, sessionMiddleware } from '@manouche/auth';
import { csrfViewMiddleware, securityApp, securityContextProcessor, securityMiddleware, xFrameOptionsMiddleware } from '@manouche/security';
import { contextProcessors } from '@manouche/templates';
import { fortunes, settings, urls } from './manouche-project.mjs';

const app = createApp({
  settings: {
    ...settings,
    INSTALLED_APPS: [...settings.INSTALLED_APPS, securityApp(), authApp()],
    MIDDLEWARE: [securityMiddleware, commonMiddleware, sessionMiddleware, csrfViewMiddleware, authenticationMiddleware, messagesMiddleware, xFrameOptionsMiddleware],
    TEMPLATES: settings.TEMPLATES.map((engine) => ({
      ...engine,
      OPTIONS: {
        contextProcessors: [
          contextProcessors.debug,
          contextProcessors.request,
          contextProcessors.static,
          securityContextProcessor,
          authContextProcessors.auth,
          authContextProcessors.messages,
        ],
      },
    })),
  },
  urls: [...urls, path('page', fortunes)],
});
const server = await runServer(app, { port: Number(process.env.PORT ?? 0) });
console.log(`listening ${server.url}`);
