// securityApp() with its defaults: securityMiddleware, cspMiddleware, commonMiddleware
// (host check), csrfViewMiddleware, xFrameOptionsMiddleware.
import { securityApp } from '@manouche/security';
import { serve } from './app.mjs';

await serve({ INSTALLED_APPS: [securityApp()] });
