import { conditionalEscape, escape, escapeJs, formatHtml, formatHtmlJoin, jsonScript, makeTemplateFragmentKey, markSafe, SafeString } from '../src/index';

describe('escape', () => {
  it('escapes the five HTML special characters', () => {
    expect(escape(`<a href="x" onclick='y'>&</a>`).value).toBe('&lt;a href=&quot;x&quot; onclick=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;');
  });
  it('always escapes, even a SafeString (Django semantics)', () => {
    expect(escape(markSafe('<b>')).value).toBe('&lt;b&gt;');
  });
  it('turns null and undefined into the empty string', () => {
    expect(escape(null).value).toBe('');
    expect(escape(undefined).value).toBe('');
    expect(escape(0).value).toBe('0');
  });
});

describe('conditionalEscape', () => {
  it('leaves SafeStrings alone and escapes everything else', () => {
    expect(conditionalEscape(markSafe('<b>ok</b>')).value).toBe('<b>ok</b>');
    expect(conditionalEscape('<b>no</b>').value).toBe('&lt;b&gt;no&lt;/b&gt;');
    expect(conditionalEscape('<b>')).toBeInstanceOf(SafeString);
  });
});

describe('formatHtml', () => {
  it('escapes positional arguments but not the format string', () => {
    expect(formatHtml('<a href="{}">{}</a>', '/x?a=1&b=2', '<script>').value).toBe('<a href="/x?a=1&amp;b=2">&lt;script&gt;</a>');
  });
  it('supports named placeholders', () => {
    expect(formatHtml('<p class="{cls}">{text}</p>', { cls: '"x"', text: markSafe('<i>i</i>') }).value).toBe('<p class="&quot;x&quot;"><i>i</i></p>');
  });
  it('fails clearly when arguments are missing', () => {
    expect(() => formatHtml('{} {}', 'one')).toThrow(/more \{\} placeholders than the 1 argument/);
    expect(() => formatHtml('{name}', { other: 1 })).toThrow(/no value for placeholder \{name\}/);
  });
  it('formatHtmlJoin formats each item', () => {
    expect(formatHtmlJoin('\n', '<li>{}</li>', [['a'], ['<b>']]).value).toBe('<li>a</li>\n<li>&lt;b&gt;</li>');
  });
});

describe('escapeJs', () => {
  it("matches Django's escapejs output", () => {
    expect(escapeJs(`</script><script>alert('x')</script>`).value).toBe(
      '\\u003C/script\\u003E\\u003Cscript\\u003Ealert(\\u0027x\\u0027)\\u003C/script\\u003E',
    );
    expect(escapeJs('a\nb\u2028"`=-;&').value).toBe('a\\u000Ab\\u2028\\u0022\\u0060\\u003D\\u002D\\u003B\\u0026');
  });
});

describe('jsonScript', () => {
  it('cannot be broken out of', () => {
    const html = jsonScript({ msg: '</script><script>alert(1)</script>&' }, 'data').value;
    expect(html).toBe('<script id="data" type="application/json">{"msg":"\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E\\u0026"}</script>');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
  it('escapes the element id and allows none', () => {
    expect(jsonScript(1, '"><x').value).toBe('<script id="&quot;&gt;&lt;x" type="application/json">1</script>');
    expect(jsonScript([1]).value).toBe('<script type="application/json">[1]</script>');
  });
});

describe('makeTemplateFragmentKey', () => {
  const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');

  it("builds Django's key from the name and the vary-on values", () => {
    expect(makeTemplateFragmentKey('sidebar')).toBe('template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e');
    expect(makeTemplateFragmentKey('user', ['ann', 42, null])).toBe(`template.cache.user.${md5('ann:42::')}`);
  });

  it('keys plain objects and arrays by content, so different objects never share a fragment', () => {
    expect(makeTemplateFragmentKey('f', [{ id: 1 }])).not.toBe(makeTemplateFragmentKey('f', [{ id: 2 }]));
    expect(makeTemplateFragmentKey('f', [{ id: 1 }])).toBe(makeTemplateFragmentKey('f', [{ id: 1 }]));
    expect(makeTemplateFragmentKey('f', [[1, 2n]])).toBe(`template.cache.f.${md5('[1,"2"]:')}`);
  });
});
