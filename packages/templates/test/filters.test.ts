import { markSafe, SafeString } from '@manouche/core';
import { Engine } from '../src/index';
import { createFilters, filters as f } from '../src/filters/index';

const NBSP = '\u00a0';
const safe = (value: unknown): boolean => value instanceof SafeString;
const text = (value: unknown): unknown => (value instanceof SafeString ? value.value : value);

describe('string filters', () => {
  test('addslashes', () => {
    expect(f.addslashes!(`"double quotes" and 'single quotes'`)).toBe(`\\"double quotes\\" and \\'single quotes\\'`);
    expect(f.addslashes!('\\ : backslashes, too')).toBe('\\\\ : backslashes, too');
    expect(safe(f.addslashes!(markSafe('<a>')))).toBe(true);
  });

  test('capfirst', () => {
    expect(f.capfirst!('hello world')).toBe('Hello world');
    expect(f.capfirst!('')).toBe('');
    expect(f.capfirst!('ßtraße')).toBe('SStraße');
  });

  test('center, ljust, rjust (Python padding)', () => {
    expect(f.center!('test', 6)).toBe(' test ');
    expect(f.center!('test', 5)).toBe(' test');
    expect(f.center!('ab', 5)).toBe('  ab ');
    expect(f.ljust!('test', 10)).toBe('test      ');
    expect(f.rjust!('test', '10')).toBe('      test');
    expect(f.center!('longer than', 3)).toBe('longer than');
    expect(() => f.ljust!('x', 'wide')).toThrow();
  });

  test('cut keeps safe input safe, except when cutting ";"', () => {
    expect(f.cut!('a string to be mangled', 'a')).toBe(' string to be mngled');
    expect(f.cut!('a string to be mangled', 'ing')).toBe('a str to be mangled');
    expect(safe(f.cut!(markSafe('a&amp;b'), 'b'))).toBe(true);
    expect(safe(f.cut!(markSafe('&amp;'), ';'))).toBe(false);
  });

  test('lower stays safe, upper does not (it could break entities)', () => {
    expect(text(f.lower!(markSafe('<B>')))).toBe('<b>');
    expect(safe(f.lower!(markSafe('<B>')))).toBe(true);
    expect(f.upper!(markSafe('&amp;'))).toBe('&AMP;');
    expect(safe(f.upper!(markSafe('&amp;')))).toBe(false);
  });

  test('title', () => {
    expect(f.title!("a nice title, isn't it?")).toBe("A Nice Title, Isn't It?");
    expect(f.title!('discoth\u00e8que')).toBe('Discoth\u00e8que');
    expect(f.title!('555 WEST 53RD STREET')).toBe('555 West 53rd Street');
  });

  test('slugify', () => {
    expect(f.slugify!(' Jack & Jill like numbers 1,2,3 and 4 and silly characters ?%.$!/')).toBe('jack-jill-like-numbers-123-and-4-and-silly-characters');
    expect(f.slugify!("Un \u00e9l\u00e9phant \u00e0 l'or\u00e9e du bois")).toBe('un-elephant-a-loree-du-bois');
    expect(f.slugify!('  -Jack & Jill-_ ')).toBe('jack-jill');
    expect(f.slugify!(123)).toBe('123');
  });

  test('phone2numeric, makeList, wordcount', () => {
    expect(f.phone2numeric!('0800 flowers')).toBe('0800 3569377');
    expect(f.makeList!('abc')).toEqual(['a', 'b', 'c']);
    expect(f.makeList!(1234)).toEqual(['1', '2', '3', '4']);
    expect(f.wordcount!('')).toBe(0);
    expect(f.wordcount!('oNE tWO\n  tHREE ')).toBe(3);
  });

  test('linenumbers escapes unless safe', () => {
    expect(text(f.linenumbers!('line 1\nline 2'))).toBe('1. line 1\n2. line 2');
    expect(String(text(f.linenumbers!('\n'.repeat(9) + 'x'))).split('\n')[9]).toBe('10. x');
    expect(String(text(f.linenumbers!('x\n'.repeat(9) + 'x'))).split('\n')[0]).toBe('01. x');
    expect(text(f.linenumbers!('<a>\n<b>'))).toBe('1. &lt;a&gt;\n2. &lt;b&gt;');
    expect(text(f.linenumbers!(markSafe('<a>')))).toBe('1. <a>');
  });

  test('wordwrap (textwrap, never breaking words)', () => {
    expect(f.wordwrap!("this is a long paragraph of text that really needs to be wrapped I'm afraid", 14)).toBe(
      "this is a long\nparagraph of\ntext that\nreally needs\nto be wrapped\nI'm afraid",
    );
    expect(f.wordwrap!('this is a short paragraph of text.\n  But this line should be indented', 14)).toBe(
      'this is a\nshort\nparagraph of\ntext.\n  But this\nline should be\nindented',
    );
    expect(f.wordwrap!('this is a short paragraph of text.\n  But this line should be indented', 15)).toBe(
      'this is a short\nparagraph of\ntext.\n  But this line\nshould be\nindented',
    );
    expect(f.wordwrap!('a supercalifragilistic word', 5)).toBe('a\nsupercalifragilistic\nword');
    expect(f.wordwrap!('ends with newline\n', 8)).toBe('ends\nwith\nnewline\n');
    expect(() => f.wordwrap!('x', 0)).toThrow(/width/);
  });

  test('urlencode', () => {
    expect(f.urlencode!('fran\u00e7ois & jill')).toBe('fran%C3%A7ois%20%26%20jill');
    expect(f.urlencode!('/test&"/me?/')).toBe('/test%26%22/me%3F/');
    expect(f.urlencode!('/test&"/me?/', '/')).toBe('/test%26%22/me%3F/');
    expect(f.urlencode!('/escape/slashes/', '')).toBe('%2Fescape%2Fslashes%2F');
  });

  test('stringformat (Python % formatting)', () => {
    expect(f.stringformat!(1, '03d')).toBe('001');
    expect(f.stringformat!('test', 's')).toBe('test');
    expect(f.stringformat!(1, 'z')).toBe('');
    expect(f.stringformat!('x', 'd')).toBe('');
    expect(f.stringformat!(3.14159, '.2f')).toBe('3.14');
    expect(f.stringformat!(3.14159, '08.3f')).toBe('0003.142');
    expect(f.stringformat!(255, 'x')).toBe('ff');
    expect(f.stringformat!(255, '#X')).toBe('0XFF');
    expect(f.stringformat!(12345.678, 'e')).toBe('1.234568e+04');
    expect(f.stringformat!(0.0001234, 'g')).toBe('0.0001234');
    expect(f.stringformat!(1234567, 'g')).toBe('1.23457e+06');
    expect(f.stringformat!(100, 'g')).toBe('100');
    expect(f.stringformat!(3, 's items')).toBe('3 items');
    expect(f.stringformat!(3, '+d')).toBe('+3');
    expect(f.stringformat!('ab', '-5s')).toBe('ab   ');
    expect(f.stringformat!("it's", 'r')).toBe(`"it's"`);
    expect(f.stringformat!(3.7, 'd')).toBe('3');
    expect(f.stringformat!(1, 'd %d')).toBe('');
  });
});

describe('truncation', () => {
  test('truncatechars', () => {
    expect(f.truncatechars!('Testing, testing', 10)).toBe('Testing, \u2026');
    expect(f.truncatechars!('Testing, testing', 100)).toBe('Testing, testing');
    expect(f.truncatechars!('Testing, testing', 'not a number')).toBe('Testing, testing');
    expect(f.truncatechars!('Testing', 0)).toBe('\u2026');
    expect(f.truncatechars!('abcde', 5)).toBe('abcde');
    expect(f.truncatechars!('abcdef', 5)).toBe('abcd\u2026');
    // Combining characters do not count.
    expect(f.truncatechars!('o\u0308o\u0308o\u0308o\u0308o\u0308', 5)).toBe('\u00f6\u00f6\u00f6\u00f6\u00f6');
  });

  test('truncatewords', () => {
    expect(f.truncatewords!('A sentence with a few words in it', 1)).toBe('A \u2026');
    expect(f.truncatewords!('A sentence with a few words in it', 5)).toBe('A sentence with a few \u2026');
    expect(f.truncatewords!('A sentence with a few words in it', 100)).toBe('A sentence with a few words in it');
    expect(f.truncatewords!('A sentence with a few words in it', 'not a number')).toBe('A sentence with a few words in it');
    expect(f.truncatewords!('  spaced \n out  ', 5)).toBe('spaced out');
  });

  const html = '<p>one <a href="#">two - three <br>four</a> five</p>';

  test('truncatewordsHtml', () => {
    expect(f.truncatewordsHtml!(html, 0)).toBe('');
    expect(f.truncatewordsHtml!(html, 2)).toBe('<p>one <a href="#">two \u2026</a></p>');
    expect(f.truncatewordsHtml!(html, 4)).toBe('<p>one <a href="#">two - three \u2026</a></p>');
    expect(f.truncatewordsHtml!(html, 5)).toBe('<p>one <a href="#">two - three <br>four \u2026</a></p>');
    expect(f.truncatewordsHtml!(html, 100)).toBe(html);
    expect(f.truncatewordsHtml!('<p id="par"><strong><em>The quick brown fox jumped over the lazy dog.</em></strong></p>', 4)).toBe(
      '<p id="par"><strong><em>The quick brown fox \u2026</em></strong></p>',
    );
    expect(f.truncatewordsHtml!('<<<<<<<< a b c d', 2)).toBe('<<<<<<<< a b \u2026');
  });

  test('truncatecharsHtml', () => {
    expect(f.truncatecharsHtml!(html, 0)).toBe('\u2026');
    expect(f.truncatecharsHtml!(html, 2)).toBe('<p>o\u2026</p>');
    expect(f.truncatecharsHtml!(html, 6)).toBe('<p>one <a href="#">t\u2026</a></p>');
    expect(f.truncatecharsHtml!(html, 11)).toBe('<p>one <a href="#">two - \u2026</a></p>');
    expect(f.truncatecharsHtml!(html, 100)).toBe(html);
    expect(f.truncatecharsHtml!('<b>&#x969;</b>', 'x')).toBe('<b>&#x969;</b>');
  });
});

describe('HTML filters', () => {
  test('escape is conditional, forceEscape is not, both are safe', () => {
    expect(text(f.escape!('<a>'))).toBe('&lt;a&gt;');
    expect(text(f.escape!(markSafe('<a>')))).toBe('<a>');
    expect(text(f.forceEscape!(markSafe('<a>')))).toBe('&lt;a&gt;');
    expect(safe(f.forceEscape!('x'))).toBe(true);
  });

  test('safe, safeseq, escapejs, jsonScript', () => {
    expect(safe(f.safe!('<b>'))).toBe(true);
    expect((f.safeseq!(['<a>', 1]) as SafeString[]).map(text)).toEqual(['<a>', '1']);
    expect(text(f.escapejs!(`"double quotes" and 'single quotes'`))).toBe('\\u0022double quotes\\u0022 and \\u0027single quotes\\u0027');
    expect(text(f.escapejs!('</script>\n'))).toBe('\\u003C/script\\u003E\\u000A');
    expect(text(f.jsonScript!({ a: '</script>&' }, 'data'))).toBe('<script id="data" type="application/json">{"a":"\\u003C/script\\u003E\\u0026"}</script>');
    expect(text(f.jsonScript!([1]))).toBe('<script type="application/json">[1]</script>');
  });

  test('linebreaks and linebreaksbr', () => {
    expect(text(f.linebreaks!('line 1'))).toBe('<p>line 1</p>');
    expect(text(f.linebreaks!('line 1\nline 2'))).toBe('<p>line 1<br>line 2</p>');
    expect(text(f.linebreaks!('line 1\r\nline 2'))).toBe('<p>line 1<br>line 2</p>');
    expect(text(f.linebreaks!('foo\n\n\nbar<'))).toBe('<p>foo</p>\n\n<p>bar&lt;</p>');
    expect(text(f.linebreaks!(markSafe('<b>a</b>\nb')))).toBe('<p><b>a</b><br>b</p>');
    expect(text(f.linebreaksbr!('line 1\nline <2>'))).toBe('line 1<br>line &lt;2&gt;');
    expect(text(f.linebreaksbr!('a\rb'))).toBe('a<br>b');
  });

  test('join escapes items and separator', () => {
    expect(text(f.join!([0, 1, 2], 'glue'))).toBe('0glue1glue2');
    expect(text(f.join!(['<a>', '<img>', '</a>'], '<br>'))).toBe('&lt;a&gt;&lt;br&gt;&lt;img&gt;&lt;br&gt;&lt;/a&gt;');
    expect(text(f.join!([markSafe('<a>'), 'b'], markSafe('<br>')))).toBe('<a><br>b');
    expect(f.join!(5, ',')).toBe(5);
  });

  test('unorderedList', () => {
    expect(text(f.unorderedList!(['item 1', 'item 2']))).toBe('\t<li>item 1</li>\n\t<li>item 2</li>');
    expect(text(f.unorderedList!(['item 1', ['item 1.1']]))).toBe('\t<li>item 1\n\t<ul>\n\t\t<li>item 1.1</li>\n\t</ul>\n\t</li>');
    expect(text(f.unorderedList!(['item 1', ['item 1.1', 'item1.2'], 'item 2']))).toBe(
      '\t<li>item 1\n\t<ul>\n\t\t<li>item 1.1</li>\n\t\t<li>item1.2</li>\n\t</ul>\n\t</li>\n\t<li>item 2</li>',
    );
    expect(text(f.unorderedList!(['States', ['Kansas', ['Lawrence', 'Topeka'], 'Illinois']]))).toBe(
      '\t<li>States\n\t<ul>\n\t\t<li>Kansas\n\t\t<ul>\n\t\t\t<li>Lawrence</li>\n\t\t\t<li>Topeka</li>\n\t\t</ul>\n\t\t</li>\n\t\t<li>Illinois</li>\n\t</ul>\n\t</li>',
    );
    expect(text(f.unorderedList!(['<a>', markSafe('<b>')]))).toBe('\t<li>&lt;a&gt;</li>\n\t<li><b></li>');
  });

  test.each([
    ['<p>See: &#39;&eacute; is an apostrophe followed by e acute</p>', 'See: &#39;&eacute; is an apostrophe followed by e acute'],
    ['<p>See: &#x27;&eacute; is an apostrophe followed by e acute</p>', 'See: &#x27;&eacute; is an apostrophe followed by e acute'],
    ['<adf>a', 'a'],
    ['</adf>a', 'a'],
    ['<asdf><asdf>e', 'e'],
    ['hi, <f x', 'hi, <f x'],
    ['234<235, right?', '234<235, right?'],
    ['a4<a5 right?', 'a4<a5 right?'],
    ['b7>b2!', 'b7>b2!'],
    ['</fe', '</fe'],
    ['<x>b<y>', 'b'],
    [`a<p onclick="alert('<test>')">b</p>c`, 'abc'],
    ['a<p a >b</p>c', 'abc'],
    ['d<a:b c:d>e</p>f', 'def'],
    ['<strong>foo</strong><a href="http://example.com">bar</a>', 'foobar'],
    ['&gotcha&#;<>', '&gotcha&#;<>'],
    ['<sc<!-- -->ript>test<<!-- -->/script>', 'ript>test'],
    ['<script>alert()</script>&h', 'alert()h'],
    ['<b>AT&T</b>', 'AT&T;'],
  ])('striptags(%j) is %j', (input, expected) => {
    expect(f.striptags!(input)).toBe(expected);
  });

  test('striptags output is escaped on output unless the input was safe', () => {
    expect(new Engine().renderString('<%= f.striptags(it.v) %>', { v: '<b>&lt;script&gt;</b>' })).toBe('&amp;lt;script&amp;gt;');
    expect(safe(f.striptags!(markSafe('<b>x</b>')))).toBe(true);
  });
});

describe('urlize', () => {
  const link = (href: string, label = href, rel = ' rel="nofollow"') => `<a href="${href}"${rel}>${label}</a>`;

  test.each([
    ['http://google.com', link('http://google.com')],
    ['http://google.com/', link('http://google.com/')],
    ['www.google.com', link('http://www.google.com', 'www.google.com')],
    ['djangoproject.org', link('http://djangoproject.org', 'djangoproject.org')],
    ['djangoproject.org/', link('http://djangoproject.org/', 'djangoproject.org/')],
    ['info@djangoproject.org', link('mailto:info@djangoproject.org', 'info@djangoproject.org', '')],
    ['some.organization', 'some.organization'],
    ['HTTPS://github.com/', link('https://github.com/', 'HTTPS://github.com/')],
    ['https://en.wikipedia.org/wiki/Django_(web_framework)', link('https://en.wikipedia.org/wiki/Django_(web_framework)')],
    [
      '(see https://en.wikipedia.org/wiki/Django_(web_framework))',
      `(see ${link('https://en.wikipedia.org/wiki/Django_(web_framework)')})`,
    ],
    ['https://www.example.com/test.', `${link('https://www.example.com/test')}.`],
    ['http://example.com/?x=&y=', link('http://example.com/?x=&amp;y=')],
    ['http://c\u2736.ws', link('http://xn--c-lgq.ws', 'http://c\u2736.ws')],
    ['Email me at <me@example.com>', `Email me at &lt;${link('mailto:me@example.com', 'me@example.com', '')}&gt;`],
    ['http://example.com/path with spaces', `${link('http://example.com/path')} with spaces`],
    ['http://example.com/\u00e9', link('http://example.com/%C3%A9', 'http://example.com/\u00e9')],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['"Unsafe" http://example.com/x=&y=', `&quot;Unsafe&quot; ${link('http://example.com/x=&amp;y=', 'http://example.com/x=&amp;y=')}`],
  ])('urlize(%j)', (input, expected) => {
    expect(text(f.urlize!(input))).toBe(expected);
  });

  test('urlizetrunc', () => {
    expect(text(f.urlizetrunc!('http://short.com/', 20))).toBe(link('http://short.com/'));
    expect(text(f.urlizetrunc!('http://www.google.co.uk/search?hl=en&q=some+long+url&btnG=Search&meta=', 20))).toBe(
      link('http://www.google.co.uk/search?hl=en&amp;q=some+long+url&amp;btnG=Search&amp;meta=', 'http://www.google.c\u2026'),
    );
  });

  test('keeps a safe input as it is around the links', () => {
    expect(text(f.urlize!(markSafe('<b>see</b> http://x.com')))).toBe(`<b>see</b> ${link('http://x.com')}`);
  });
});

describe('number filters', () => {
  test.each([
    [7.7, undefined, '7.7'],
    [7.0, undefined, '7'],
    [0.7, undefined, '0.7'],
    [-0.7, undefined, '-0.7'],
    [0.07, undefined, '0.1'],
    [-0.07, undefined, '-0.1'],
    [0.007, undefined, '0.0'],
    [0.0, undefined, '0'],
    [7.7, 0, '8'],
    [7.7, 3, '7.700'],
    [6.0, 3, '6.000'],
    [6.2, 3, '6.200'],
    [6.2, -3, '6.200'],
    [13.1031, -3, '13.103'],
    [11.1197, -2, '11.12'],
    [11.0, -2, '11'],
    [11.000001, -2, '11.00'],
    [8.2798, 3, '8.280'],
    [5555.555, 2, '5555.56'],
    [1.3, 2, '1.30'],
    [0.12345, 2, '0.12'],
    ['555.555', 2, '555.56'],
    ['09.000', undefined, '9'],
    ['foo', undefined, ''],
    [13.1031, 'bar', '13.1031'],
    [18.125, 2, '18.13'],
    ['foo', 'bar', ''],
    ['\u00bfC\u00f3mo esta usted?', undefined, ''],
    [null, undefined, ''],
    [-1.323297138040798e35, 2, '-132329713804079800000000000000000000.00'],
    [-1.323297138040798e35, -2, '-132329713804079800000000000000000000'],
    [1.5e-15, 20, '0.00000000000000150000'],
    [1.5e-15, -20, '0.00000000000000150000'],
    [1.00000000000000015, 16, '1.0000000000000002'],
    [-0.01, -1, '0.0'],
    [-0.5, 0, '-1'],
    [-0.499, 0, '0'],
    [0, 6, '0.000000'],
    [1.5e-20, 20, '0.00000000000000000002'],
    [66666.666, '2g', '66,666.67'],
    [10000, 'g', '10,000'],
    [1234.5, '1u', '1234.5'],
    [Infinity, undefined, 'inf'],
    [-Infinity, 2, '-inf'],
    [NaN, undefined, 'nan'],
    [true, undefined, '1'],
  ])('floatformat(%p, %p) is %p', (value, arg, expected) => {
    const out = arg === undefined ? f.floatformat!(value) : f.floatformat!(value, arg);
    expect(text(out)).toBe(expected);
  });

  test('floatformat output is safe', () => {
    expect(safe(f.floatformat!(1.5))).toBe(true);
  });

  test.each([
    [1023, `1023${NBSP}bytes`],
    [1, `1${NBSP}byte`],
    [1024, `1.0${NBSP}KB`],
    [10 * 1024, `10.0${NBSP}KB`],
    [1024 * 1024 - 1, `1024.0${NBSP}KB`],
    [1024 * 1024, `1.0${NBSP}MB`],
    [1024 * 1024 * 50, `50.0${NBSP}MB`],
    [1024 * 1024 * 1024 - 1, `1024.0${NBSP}MB`],
    [1024 ** 3, `1.0${NBSP}GB`],
    [1024 ** 4, `1.0${NBSP}TB`],
    [1024 ** 5, `1.0${NBSP}PB`],
    [1024 ** 5 * 2000, `2000.0${NBSP}PB`],
    ['', `0${NBSP}bytes`],
    ['\u03b1', `0${NBSP}bytes`],
    [-1, `-1${NBSP}byte`],
    [-100, `-100${NBSP}bytes`],
    [-1024 * 1024 * 50, `-50.0${NBSP}MB`],
    [1024 * 2.25, `2.2${NBSP}KB`],
  ])('filesizeformat(%p) is %p', (value, expected) => {
    expect(f.filesizeformat!(value)).toBe(expected);
  });

  test('add', () => {
    expect(f.add!(4, 2)).toBe(6);
    expect(f.add!('4', '2')).toBe(6);
    expect(f.add!(3.7, 1)).toBe(4);
    expect(f.add!('a', 'b')).toBe('ab');
    expect(f.add!([1], [2])).toEqual([1, 2]);
    expect(f.add!('a', 1)).toBe('');
    expect(f.add!(null, 1)).toBe('');
    expect(f.add!('1.5', '1')).toBe('1.51');
  });

  test('divisibleby', () => {
    expect(f.divisibleby!(4, 2)).toBe(true);
    expect(f.divisibleby!(4, 3)).toBe(false);
    expect(f.divisibleby!('9', '3')).toBe(true);
    expect(f.divisibleby!('x', 3)).toBe(false);
    expect(() => f.divisibleby!(4, 0)).toThrow(/zero/);
  });

  test('pluralize', () => {
    expect(f.pluralize!(1)).toBe('');
    expect(f.pluralize!(0)).toBe('s');
    expect(f.pluralize!(2)).toBe('s');
    expect(f.pluralize!(1.0)).toBe('');
    expect(f.pluralize!('1')).toBe('');
    expect(f.pluralize!('2')).toBe('s');
    expect(f.pluralize!([1])).toBe('');
    expect(f.pluralize!([])).toBe('s');
    expect(f.pluralize!([1, 2, 3])).toBe('s');
    expect(f.pluralize!(1, 'es')).toBe('');
    expect(f.pluralize!(0, 'es')).toBe('es');
    expect(f.pluralize!(1, 'y,ies')).toBe('y');
    expect(f.pluralize!(2, 'y,ies')).toBe('ies');
    expect(f.pluralize!(0, 'y,ies,error')).toBe('');
    expect(f.pluralize!('', 'y,es')).toBe('');
    expect(f.pluralize!(null)).toBe('');
  });

  test('yesno, default, defaultIfNone', () => {
    expect(f.yesno!(true)).toBe('yes');
    expect(f.yesno!(false)).toBe('no');
    expect(f.yesno!(null)).toBe('maybe');
    expect(f.yesno!(true, 'certainly,get out of town,perhaps')).toBe('certainly');
    expect(f.yesno!(null, 'certainly,get out of town')).toBe('get out of town');
    expect(f.yesno!(true, 'y')).toBe(true);
    expect(f.yesno!([], 'full,empty')).toBe('empty');
    expect(f.default!('', 'x')).toBe('x');
    expect(f.default!(0, 'x')).toBe('x');
    expect(f.default!([], 'x')).toBe('x');
    expect(f.default!({}, 'x')).toBe('x');
    expect(f.default!('val', 'x')).toBe('val');
    expect(f.defaultIfNone!(null, 'x')).toBe('x');
    expect(f.defaultIfNone!(undefined, 'x')).toBe('x');
    expect(f.defaultIfNone!('', 'x')).toBe('');
  });

  test('intcomma', () => {
    const cases: Array<[unknown, string]> = [
      [100, '100'], [1000, '1,000'], [10123, '10,123'], [10311, '10,311'], [1000000, '1,000,000'], [1234567.25, '1,234,567.25'],
      ['100', '100'], ['1000', '1,000'], ['1234567.1234567', '1,234,567.1234567'], [-1234567.25, '-1,234,567.25'],
      ['-1234567.1234567', '-1,234,567.1234567'], ['abc', 'abc'], [1e21, '1,000,000,000,000,000,000,000'],
    ];
    for (const [value, expected] of cases) expect(text(f.intcomma!(value))).toBe(expected);
  });

  test('ordinal', () => {
    const cases: Array<[unknown, string]> = [
      [1, '1st'], [2, '2nd'], [3, '3rd'], [4, '4th'], [11, '11th'], [12, '12th'], [13, '13th'], [101, '101st'], [102, '102nd'],
      [103, '103rd'], [111, '111th'], ['something else', 'something else'], [-1, '-1'], ['21', '21st'],
    ];
    for (const [value, expected] of cases) expect(text(f.ordinal!(value))).toBe(expected);
    expect(safe(f.ordinal!(1))).toBe(true);
  });
});

describe('list filters', () => {
  const people = [
    { age: 23, name: 'Barbara-Ann', band: { rank: 2 } },
    { age: 63, name: 'Ra Ra Rasputin', band: { rank: 1 } },
    { name: 'Jonny B Goode', age: 18, band: { rank: 3 } },
  ];

  test('dictsort and dictsortreversed', () => {
    expect((f.dictsort!(people, 'age') as typeof people).map((p) => p.age)).toEqual([18, 23, 63]);
    expect((f.dictsort!(people, 'band.rank') as typeof people).map((p) => p.age)).toEqual([63, 23, 18]);
    expect((f.dictsortreversed!(people, 'name') as typeof people).map((p) => p.age)).toEqual([63, 18, 23]);
    expect(f.dictsort!([[1, 'b'], [0, 'a']], 1)).toEqual([[0, 'a'], [1, 'b']]);
    expect(f.dictsort!(people, 'missing')).toBe('');
    expect(f.dictsort!([{ a: 1 }, { a: 'x' }], 'a')).toBe('');
    expect(f.dictsort!(people, '_private')).toBe('');
    expect(f.dictsort!(people, 'band._rank')).toBe('');
  });

  test('first, last, length, random', () => {
    expect(f.first!(['a', 'b'])).toBe('a');
    expect(f.first!('abc')).toBe('a');
    expect(f.first!([])).toBe('');
    expect(f.last!(['a', 'b'])).toBe('b');
    expect(f.last!('')).toBe('');
    expect(f.length!([1, 2, 3])).toBe(3);
    expect(f.length!('h\u00e9llo')).toBe(5);
    expect(f.length!(null)).toBe(0);
    expect(f.length!(5)).toBe(0);
    expect(['a', 'b']).toContain(f.random!(['a', 'b']));
    expect(f.random!([])).toBe('');
  });

  test('slice (Python slicing)', () => {
    expect(f.slice!('abcdefg', '0')).toBe('');
    expect(f.slice!('abcdefg', '1')).toBe('a');
    expect(f.slice!('abcdefg', '-1')).toBe('abcdef');
    expect(f.slice!('abcdefg', '1:2')).toBe('b');
    expect(f.slice!('abcdefg', '1:3')).toBe('bc');
    expect(f.slice!('abcdefg', '0::2')).toBe('aceg');
    expect(f.slice!('abcdefg', '::-1')).toBe('gfedcba');
    expect(f.slice!('abcdefg', '-3:')).toBe('efg');
    expect(f.slice!('abcdefg', 'a')).toBe('abcdefg');
    expect(f.slice!('abcdefg', '::0')).toBe('abcdefg');
    expect(f.slice!([0, 1, 2, 3], ':2')).toEqual([0, 1]);
    expect(f.slice!([0, 1, 2, 3], 2)).toEqual([0, 1]);
  });
});

describe('date filters', () => {
  const d = new Date(Date.UTC(2003, 9, 7, 11, 39, 5, 123));
  const paris = createFilters({ timeZone: 'Europe/Paris' });
  const newYork = createFilters({ timeZone: 'America/New_York' });

  test('date with format characters', () => {
    expect(f.date!(d, 'jS F Y H:i')).toBe('7th October 2003 11:39');
    expect(paris.date!(d, 'jS F Y H:i')).toBe('7th October 2003 13:39');
    expect(f.date!(d)).toBe('Oct. 7, 2003');
    expect(f.date!(d, 'DATETIME_FORMAT')).toBe('Oct. 7, 2003, 11:39 a.m.');
    expect(f.date!(d, 'SHORT_DATE_FORMAT')).toBe('10/07/2003');
    expect(f.date!(d, 'r')).toBe('Tue, 7 Oct 2003 11:39:05 +0000');
    expect(paris.date!(d, 'r')).toBe('Tue, 7 Oct 2003 13:39:05 +0200');
    expect(newYork.date!(d, 'O Z I T')).toBe('-0400 -14400 1 EDT');
    expect(newYork.date!(new Date(Date.UTC(2003, 0, 7)), 'O I T')).toBe('-0500 0 EST');
    expect(paris.date!(d, 'c')).toBe('2003-10-07T13:39:05.123000+02:00');
    expect(f.date!(new Date(Date.UTC(2008, 0, 2, 10, 30)), 'c')).toBe('2008-01-02T10:30:00+00:00');
    expect(f.date!(d, 'a A b d D E f F g G h H i j l L m M n N s S t u U w y Y z')).toBe(
      'a.m. AM oct 07 Tue October 11:39 October 11 11 11 11 39 7 Tuesday False 10 Oct 10 Oct. 05 th 31 123000 1065526745 2 03 2003 280',
    );
    expect(f.date!(new Date(Date.UTC(2004, 11, 31)), 'L z W o')).toBe('True 366 53 2004');
    expect(f.date!(new Date(Date.UTC(2008, 11, 29)), 'W o')).toBe('1 2009');
    expect(f.date!(new Date(Date.UTC(2009, 0, 1)), 'jS')).toBe('1st');
    expect(f.date!(d, '\\T\\o\\d\\a\\y \\i\\s l')).toBe('Today is Tuesday');
    expect(f.date!(new Date(Date.UTC(2003, 9, 7, 0, 0)), 'P')).toBe('midnight');
    expect(f.date!(new Date(Date.UTC(2003, 9, 7, 12, 0)), 'P')).toBe('noon');
    expect(f.date!(new Date(Date.UTC(2003, 9, 7, 13, 30)), 'P')).toBe('1:30 p.m.');
    expect(f.date!(new Date(Date.UTC(2003, 9, 7, 1, 0)), 'P f')).toBe('1 a.m. 1');
    expect(f.date!(new Date(Date.UTC(999, 0, 1)), 'Y y')).toBe('0999 99');
  });

  test('date gives "" for what is not a date', () => {
    expect(f.date!(null)).toBe('');
    expect(f.date!('')).toBe('');
    expect(f.date!('2003-10-07')).toBe('');
    expect(f.date!(new Date(NaN))).toBe('');
    expect(() => f.date!(d, 'B')).toThrow(/not implemented/);
  });

  test('time allows only time format characters', () => {
    expect(f.time!(d, 'H:i')).toBe('11:39');
    expect(f.time!(d)).toBe('11:39 a.m.');
    expect(f.time!(d, 'Y')).toBe('');
    expect(paris.time!(d, 'TIME_FORMAT')).toBe('1:39 p.m.');
  });

  test('timesince and timeuntil', () => {
    const t = new Date(Date.UTC(2007, 7, 14, 13, 46, 0));
    const plus = (ms: number) => new Date(t.getTime() + ms);
    const minute = 60_000;
    const day = 24 * 60 * minute;
    expect(f.timesince!(t, plus(minute))).toBe(`1${NBSP}minute`);
    expect(f.timesince!(t, plus(1000))).toBe(`0${NBSP}minutes`);
    expect(f.timesince!(t, plus(7 * day))).toBe(`1${NBSP}week`);
    expect(f.timesince!(t, plus(14 * day + 3 * day + 4 * 60 * minute))).toBe(`2${NBSP}weeks, 3${NBSP}days`);
    expect(f.timesince!(t, plus(365 * day + 5 * day))).toBe(`1${NBSP}year`);
    expect(f.timesince!(plus(day), t)).toBe(`0${NBSP}minutes`);
    expect(f.timesince!(new Date(Date.UTC(2013, 1, 10)), new Date(Date.UTC(2014, 2, 10)))).toBe(`1${NBSP}year, 1${NBSP}month`);
    expect(f.timesince!(new Date(Date.UTC(2007, 7, 10)), new Date(Date.UTC(2008, 8, 10)))).toBe(`1${NBSP}year, 1${NBSP}month`);
    // Only adjacent units: "1 month, 1 day" skips weeks, so it stops at the month.
    expect(f.timesince!(new Date(Date.UTC(2017, 0, 31)), new Date(Date.UTC(2017, 2, 1)))).toBe(`1${NBSP}month`);
    expect(f.timesince!(new Date(Date.UTC(2017, 0, 31)), new Date(Date.UTC(2017, 2, 8)))).toBe(`1${NBSP}month, 1${NBSP}week`);
    expect(f.timeuntil!(plus(2 * day), t)).toBe(`2${NBSP}days`);
    expect(f.timeuntil!(t, plus(day))).toBe(`0${NBSP}minutes`);
    expect(f.timesince!(null)).toBe('');
    expect(f.timesince!(t, 'yesterday')).toBe('');
  });

  describe('humanize', () => {
    const now = new Date(Date.UTC(2012, 2, 9, 22, 30, 0));
    beforeEach(() => jest.useFakeTimers({ now }));
    afterEach(() => jest.useRealTimers());
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

    test('naturaltime', () => {
      const hour = 3600;
      const day = 24 * hour;
      const cases: Array<[Date, string]> = [
        [now, 'now'],
        [at(-1), 'a second ago'],
        [at(-30), `30${NBSP}seconds ago`],
        [at(-60), 'a minute ago'],
        [at(-120), `2${NBSP}minutes ago`],
        [at(-hour), 'an hour ago'],
        [at(-23 * hour - 50 * 60 - 50), `23${NBSP}hours ago`],
        [at(-day), `1${NBSP}day ago`],
        [at(-500 * day), `1${NBSP}year, 4${NBSP}months ago`],
        [at(1), 'a second from now'],
        [at(30), `30${NBSP}seconds from now`],
        [at(60), 'a minute from now'],
        [at(120), `2${NBSP}minutes from now`],
        [at(hour), 'an hour from now'],
        [at(23 * hour + 50 * 60 + 50), `23${NBSP}hours from now`],
        [at(day), `1${NBSP}day from now`],
        [at(2 * day + 6 * hour), `2${NBSP}days, 6${NBSP}hours from now`],
        [at(500 * day), `1${NBSP}year, 4${NBSP}months from now`],
      ];
      for (const [value, expected] of cases) expect(f.naturaltime!(value)).toBe(expected);
      expect(f.naturaltime!('not a date')).toBe('not a date');
    });

    test('naturalday', () => {
      expect(f.naturalday!(now)).toBe('today');
      expect(f.naturalday!(at(-24 * 3600))).toBe('yesterday');
      expect(f.naturalday!(at(24 * 3600))).toBe('tomorrow');
      expect(f.naturalday!(at(-2 * 24 * 3600))).toBe('March 7, 2012');
      expect(f.naturalday!(at(-2 * 24 * 3600), 'd/m')).toBe('07/03');
      // 22:30 UTC is already the next day in Tokyo.
      expect(createFilters({ timeZone: 'Asia/Tokyo' }).naturalday!(at(-2 * 3600))).toBe('today');
      expect(createFilters({ timeZone: 'Asia/Tokyo' }).naturalday!(at(-23 * 3600))).toBe('yesterday');
      expect(f.naturalday!('x')).toBe('x');
    });
  });

  test('an unknown time zone is refused when the engine is created', () => {
    expect(() => new Engine({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
  });
});

test('filters are called as f.name(value, …) in templates, chained as function calls', () => {
  const engine = new Engine();
  expect(engine.renderString('<%= f.truncatewords(f.striptags(it.body), 2) %>|<%= f.default(it.none, "n/a") %>', { body: '<p>One two three</p>' })).toBe(
    'One two \u2026|n/a',
  );
});
