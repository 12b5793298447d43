import { type HttpRequest, HttpResponse, path, requireSafe } from '@manouche/core';
import { getObjectOr404 } from '@manouche/orm';
import { cachedForAnonymous } from '../cache';
import { SITE_NAME } from '../context';
import { Section } from '../models';
import { summarize } from '../present';
import { atom, type Feed, rss2 } from '../syndication';
import { published, withRelated } from './listing';

/** Articles in a feed. */
const FEED_SIZE = 20;

type Format = 'rss' | 'atom';

const FORMATS: Record<Format, { render: (feed: Feed) => string; contentType: string }> = {
  rss: { render: rss2, contentType: 'application/rss+xml; charset=utf-8' },
  atom: { render: atom, contentType: 'application/atom+xml; charset=utf-8' },
};

async function buildFeed(request: HttpRequest, format: Format, sectionSlug: string | null): Promise<string> {
  const absolute = (url: string) => request.buildAbsoluteUri(url);
  let articles = published();
  let title = `${SITE_NAME}: latest articles`;
  let link = request.app.reverse('home');
  let description = 'The latest articles from The Newsroom.';
  if (sectionSlug !== null) {
    const section = await getObjectOr404(Section, { slug: sectionSlug });
    articles = articles.filter({ section });
    title = `${SITE_NAME}: ${section.name}`;
    link = request.app.reverse('section', { slug: section.slug });
    description = section.description || `The latest ${section.name} articles.`;
  }
  const rows = await withRelated(articles).slice(0, FEED_SIZE);
  const feed: Feed = {
    title,
    link: absolute(link),
    feedUrl: absolute(request.path),
    description,
    items: rows.map(summarize).map((a) => ({
      title: a.title,
      link: absolute(request.app.reverse('article', { slug: a.slug })),
      description: a.lead,
      author: a.author.name,
      published: a.publishedAt ?? a.updatedAt,
      updated: a.updatedAt,
      categories: [a.section.name, ...a.tags.map((t) => t.name)],
    })),
  };
  return FORMATS[format].render(feed);
}

/**
 * A feed view, through the page cache (keyed by the absolute URL, so per
 * host and scheme, as the feed's links are absolute) and dropped when any
 * article changes.
 */
function feedView(format: Format) {
  return cachedForAnonymous(
    requireSafe(async (request: HttpRequest, params: { slug?: string }) => {
      const xml = await buildFeed(request, format, params.slug ?? null);
      return new HttpResponse(xml, { contentType: FORMATS[format].contentType });
    }),
  );
}

export const feedUrls = [
  path('feeds/latest.rss', feedView('rss'), { name: 'feed_rss' }),
  path('feeds/latest.atom', feedView('atom'), { name: 'feed_atom' }),
  path('sections/<slug:slug>/feed.rss', feedView('rss'), { name: 'section_feed_rss' }),
  path('sections/<slug:slug>/feed.atom', feedView('atom'), { name: 'section_feed_atom' }),
];
