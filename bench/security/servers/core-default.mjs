// Core's default MIDDLEWARE (commonMiddleware: host check and APPEND_SLASH), no security package.
import { serve } from './app.mjs';

await serve({});
