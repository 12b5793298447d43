import { createApp, type UserSettings } from '@manouche/core';
import { errorHandlers } from './news/views/errors';
import { type Env, newsroomSettings } from './settings';
import { urls } from './urls';

export interface NewsroomOptions {
  /** Where settings are read from (default process.env). */
  env?: Env;
  /** Settings over the environment's (tests). */
  settings?: UserSettings;
}

/** The newsroom application. */
export function createNewsroom(options: NewsroomOptions = {}) {
  return createApp({ settings: { ...newsroomSettings(options.env), ...options.settings }, urls, handlers: errorHandlers });
}
