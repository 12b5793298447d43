import { type HttpRequest, HttpResponse, requireSafe } from '@manouche/core';
import { Section } from '../models';
import { xmlText } from '../syndication';
import { published } from './listing';

/** sitemap.xml: the front page, the sections and every published article with its last change. */
export const sitemap = requireSafe(async (request: HttpRequest) => {
  const absolute = (url: string) => request.buildAbsoluteUri(url);
  const [sections, articles] = await Promise.all([Section.objects.valuesList('slug', { flat: true }), published().orderBy('-publishedAt').values('slug', 'updatedAt')]);
  const entries = [
    { loc: absolute(request.app.reverse('home')), changefreq: 'hourly' },
    ...(sections as string[]).map((slug) => ({ loc: absolute(request.app.reverse('section', { slug })), changefreq: 'daily' })),
    ...(articles as Array<{ slug: string; updatedAt: Date }>).map((a) => ({ loc: absolute(request.app.reverse('article', { slug: a.slug })), lastmod: a.updatedAt.toISOString() })),
  ];
  const urls = entries.map(
    (e) => `  <url><loc>${xmlText(e.loc)}</loc>${'lastmod' in e ? `<lastmod>${e.lastmod}</lastmod>` : ''}${'changefreq' in e ? `<changefreq>${e.changefreq}</changefreq>` : ''}</url>`,
  );
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
  return new HttpResponse(xml, { contentType: 'application/xml; charset=utf-8' });
});

/** robots.txt: crawl the paper, not the accounts or the newsroom's back office. */
export const robots = requireSafe((request: HttpRequest) => {
  const lines = ['User-agent: *', 'Disallow: /accounts/', 'Disallow: /newsroom/', 'Disallow: /api/', `Sitemap: ${request.buildAbsoluteUri(request.app.reverse('sitemap'))}`, ''];
  return new HttpResponse(lines.join('\n'), { contentType: 'text/plain; charset=utf-8' });
});
