import type { HttpRequest } from '@manouche/core';
import { cached, SECTIONS } from './cache';
import { Section } from './models';

export const SITE_NAME = 'The Newsroom';

export interface NavSection {
  name: string;
  slug: string;
}

/** The sections for the navigation bar, cached (one query per change of a section, not per page). */
export function navSections(): Promise<NavSection[]> {
  return cached('nav:sections', [SECTIONS], async () => (await Section.objects.orderBy('name').values('name', 'slug')) as NavSection[]);
}

/** Context processor: the site's name and its sections, on every page. */
export async function siteContext(_request: HttpRequest): Promise<{ siteName: string; navSections: NavSection[] }> {
  return { siteName: SITE_NAME, navSections: await navSections() };
}
