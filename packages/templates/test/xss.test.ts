import { Engine } from '../src/index';

/** Script tags, attribute breakouts, event handlers, javascript: URLs and encoded variants. */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '" onmouseover="alert(1)',
  "' onfocus='alert(1)' autofocus='",
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.cookie)',
  '<a href="javascript:alert(1)">x</a>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '&#x3C;img src=x onerror=alert(1)&#x3E;',
  '%3Cscript%3Ealert(1)%3C/script%3E',
  '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<<script>script>alert(1)<</script>/script>',
  '<!--<script>alert(1)</script>-->',
  '<style>@import "javascript:alert(1)"</style>',
  'http://example.com/"onmouseover="alert(1)',
  'http://example.com/<script>alert(1)</script>',
  "www.example.com/'onclick='alert(1)",
  'user@example.com"><script>alert(1)</script>',
  'https://example.com/?a=<b>&c="d"',
  '(javascript:alert(1))',
  '<iframe src="data:text/html,<script>alert(1)</script>">',
  '`-alert(1)-`',
  '\u2028</script><script>alert(1)</script>',
  'line one\n\n<script>alert(1)</script>\nline two',
];

const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

/** How to call each filter with a payload: as the value, and as an argument where it takes text. */
const CALLS: Record<string, (p: string) => unknown[][]> = {
  add: (p) => [[p, p], [p, 1], [[p], [p]]],
  addslashes: (p) => [[p]],
  capfirst: (p) => [[p]],
  center: (p) => [[p, 80]],
  cut: (p) => [[p, 'x'], [p, ';'], ['abc', p]],
  date: (p) => [[date, p], [p]],
  default: (p) => [[p, 'x'], ['', p]],
  defaultIfNone: (p) => [[null, p], [p, 'x']],
  dictsort: (p) => [[[[p, 2], ['a', 1]], 1]],
  dictsortreversed: (p) => [[[[p, 2], ['a', 1]], 0]],
  divisibleby: (p) => [[p, 2]],
  escape: (p) => [[p]],
  escapejs: (p) => [[p]],
  filesizeformat: (p) => [[p]],
  first: (p) => [[[p]], [p]],
  floatformat: (p) => [[p], [1.5, p]],
  forceEscape: (p) => [[p]],
  join: (p) => [[[p, p], p]],
  jsonScript: (p) => [[p, p], [{ [p]: [p] }]],
  last: (p) => [[[p]], [p]],
  length: (p) => [[p]],
  linebreaks: (p) => [[p], [`${p}\n\n${p}\n${p}`]],
  linebreaksbr: (p) => [[p]],
  linenumbers: (p) => [[`${p}\n${p}`]],
  ljust: (p) => [[p, 80]],
  lower: (p) => [[p]],
  makeList: (p) => [[p]],
  phone2numeric: (p) => [[p]],
  pluralize: (p) => [[p], [2, p], [1, `${p},${p}`]],
  random: (p) => [[[p]]],
  rjust: (p) => [[p, 80]],
  safeseq: (p) => [[[p]]],
  slice: (p) => [[p, ':20'], [p, p]],
  slugify: (p) => [[p]],
  stringformat: (p) => [[p, 's'], [p, 'r'], [1, p]],
  striptags: (p) => [[p]],
  time: (p) => [[date, p]],
  timesince: (p) => [[p], [date, p]],
  timeuntil: (p) => [[p], [date, p]],
  title: (p) => [[p]],
  truncatechars: (p) => [[p, 10], [p, p]],
  truncatecharsHtml: (p) => [[p, 10], [p, 1000]],
  truncatewords: (p) => [[p, 2], [p, p]],
  truncatewordsHtml: (p) => [[p, 2], [p, 1000]],
  unorderedList: (p) => [[[p, [p, [p]]]]],
  upper: (p) => [[p]],
  urlencode: (p) => [[p], [p, p]],
  urlize: (p) => [[p]],
  urlizetrunc: (p) => [[p, 10], [p, 1000]],
  wordcount: (p) => [[p]],
  wordwrap: (p) => [[p, 5]],
  yesno: (p) => [[true, p], [p], [null, `${p},${p},${p}`]],
  intcomma: (p) => [[p]],
  naturalday: (p) => [[p], [date, p]],
  naturaltime: (p) => [[p]],
  ordinal: (p) => [[p]],
};

/** Filters whose output is HTML by design; the tags they may produce. */
const HTML_FILTERS = new Set(['linebreaks', 'linebreaksbr', 'unorderedList', 'urlize', 'urlizetrunc', 'jsonScript']);

function assertInert(out: string, allowTags: boolean, context: string): void {
  let rest = out;
  if (allowTags) {
    rest = rest
      .replace(/<a href="([^"<>]*)"( rel="nofollow")?>/g, (_match, href: string) => {
        if (!/^(https?:\/\/|mailto:)/i.test(href)) throw new Error(`${context}: unexpected link target ${href}`);
        return '';
      })
      .replace(/<\/a>|<\/?(p|ul|li)>|<br>/g, '')
      .replace(/<script( id="[^"<>]*")? type="application\/json">[^<]*<\/script>/g, '');
  }
  if (/[<>"']/.test(rest)) throw new Error(`${context}: unescaped markup in ${JSON.stringify(out)}`);
}

describe('an XSS payload corpus through every filter', () => {
  const engine = new Engine();
  const template = engine.fromString('<%= f[it.name](...it.args) %>');

  it('covers every built-in filter except the explicit `safe`', () => {
    expect(Object.keys(engine.filters).filter((name) => name !== 'safe').sort()).toEqual(Object.keys(CALLS).sort());
  });

  for (const name of Object.keys(CALLS)) {
    it(`${name}: nothing comes out unescaped`, () => {
      for (const payload of PAYLOADS) {
        for (const args of CALLS[name]!(payload)) {
          const out = template.render({ name, args });
          assertInert(out, HTML_FILTERS.has(name), `${name}(${JSON.stringify(args)})`);
        }
      }
    });
  }

  it('outputs raw HTML only through the explicit `safe` filter or <%~ %>', () => {
    expect(engine.renderString('<%= f.safe(it.p) %>|<%~ it.p %>|<%= it.p %>', { p: '<b>' })).toBe('<b>|<b>|&lt;b&gt;');
  });

  it('escapes attribute breakouts in single- and double-quoted attributes', () => {
    for (const payload of PAYLOADS) {
      const out = engine.renderString(`<a title="<%= it.p %>" data-x='<%= it.p %>'>`, { p: payload });
      expect(out).toMatch(/^<a title="[^"<>']*" data-x='[^"<>']*'>$/);
    }
  });
});
