import { createApp } from '@manouche/core';
import { settings } from './settings';
import { urls } from './urls';

/** The newsroom application. */
export function createNewsroom() {
  return createApp({ settings, urls });
}
