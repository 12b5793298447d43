import { serve } from './fortunes-app.mjs';
await serve({ cached: true });
