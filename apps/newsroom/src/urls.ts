import { path } from '@manouche/core';
import { home } from './pages';

export const urls = [path('', home, { name: 'home' })];
