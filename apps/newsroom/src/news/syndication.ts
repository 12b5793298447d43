import { escape } from '@manouche/core';

/** One entry of a feed: every link absolute. */
export interface FeedItem {
  title: string;
  link: string;
  description: string;
  author: string;
  published: Date;
  updated: Date;
  categories: readonly string[];
}

export interface Feed {
  title: string;
  /** The page the feed is about. */
  link: string;
  /** The feed's own address. */
  feedUrl: string;
  description: string;
  items: readonly FeedItem[];
}

// characters XML 1.0 forbids even escaped: C0 controls but tab, newline, carriage return; lone surrogates; U+FFFE/U+FFFF
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an XML element or attribute: escaped, and without the characters XML cannot carry at all. */
export function xmlText(value: string): string {
  return escape(value.replace(INVALID_XML, '')).value;
}

function newest(feed: Feed): Date {
  return feed.items.reduce((latest, item) => (item.updated > latest ? item.updated : latest), new Date(0));
}

/** An RSS 2.0 document (Django's Rss201rev2Feed). */
export function rss2(feed: Feed): string {
  const items = feed.items.map(
    (item) => `    <item>
      <title>${xmlText(item.title)}</title>
      <link>${xmlText(item.link)}</link>
      <description>${xmlText(item.description)}</description>
      <dc:creator>${xmlText(item.author)}</dc:creator>
      <pubDate>${item.published.toUTCString()}</pubDate>
      <guid isPermaLink="true">${xmlText(item.link)}</guid>
${item.categories.map((c) => `      <category>${xmlText(c)}</category>`).join('\n')}
    </item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xmlText(feed.title)}</title>
    <link>${xmlText(feed.link)}</link>
    <description>${xmlText(feed.description)}</description>
    <atom:link href="${xmlText(feed.feedUrl)}" rel="self"/>
    <language>en</language>
    <lastBuildDate>${newest(feed).toUTCString()}</lastBuildDate>
${items.join('\n')}
  </channel>
</rss>
`;
}

/** An Atom 1.0 document (Django's Atom1Feed). */
export function atom(feed: Feed): string {
  const entries = feed.items.map(
    (item) => `  <entry>
    <title>${xmlText(item.title)}</title>
    <link href="${xmlText(item.link)}" rel="alternate"/>
    <id>${xmlText(item.link)}</id>
    <published>${item.published.toISOString()}</published>
    <updated>${item.updated.toISOString()}</updated>
    <author><name>${xmlText(item.author)}</name></author>
    <summary type="text">${xmlText(item.description)}</summary>
${item.categories.map((c) => `    <category term="${xmlText(c)}"/>`).join('\n')}
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>${xmlText(feed.title)}</title>
  <link href="${xmlText(feed.link)}" rel="alternate"/>
  <link href="${xmlText(feed.feedUrl)}" rel="self"/>
  <id>${xmlText(feed.link)}</id>
  <updated>${newest(feed).toISOString()}</updated>
  <subtitle>${xmlText(feed.description)}</subtitle>
${entries.join('\n')}
</feed>
`;
}
