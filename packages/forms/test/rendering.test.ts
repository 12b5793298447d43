import { escapeHtml, markSafe, SafeString } from '@manouche/core';
import {
  CheckboxInput,
  CheckboxSelectMultiple,
  ClearableFileInput,
  DateInput,
  DateTimeInput,
  defineForm,
  DefaultRenderer,
  fields,
  HiddenInput,
  MultipleHiddenInput,
  NullBooleanSelect,
  PasswordInput,
  RadioSelect,
  Select,
  SelectMultiple,
  Textarea,
  TextInput,
  TimeInput,
  type Widget,
} from '../src/index';
import type { RenderOptions } from '../src/widgets/widget';

const options: RenderOptions = { renderer: new DefaultRenderer(), translate: (m) => m };
const render = (widget: Widget, name: string, value: unknown, attrs?: Record<string, string | boolean>): string => widget.render(name, value, attrs, options).value;

describe('widgets', () => {
  it('inputs render type, name, escaped value and attrs', () => {
    expect(render(new TextInput({ attrs: { class: 'wide' } }), 'q', 'a "b" <c>', { id: 'id_q' })).toBe('<input type="text" name="q" value="a &quot;b&quot; &lt;c&gt;" class="wide" id="id_q">');
    expect(render(new TextInput(), 'q', null)).toBe('<input type="text" name="q">');
    expect(render(new HiddenInput(), 'h', 3)).toBe('<input type="hidden" name="h" value="3">');
    expect(render(new MultipleHiddenInput(), 'm', ['a', 'b'], { id: 'id_m' })).toBe('<input type="hidden" name="m" value="a" id="id_m_0"><input type="hidden" name="m" value="b" id="id_m_1">');
  });

  it('PasswordInput never shows the value unless renderValue', () => {
    expect(render(new PasswordInput(), 'p', 's3cret')).toBe('<input type="password" name="p">');
    expect(render(new PasswordInput({ renderValue: true }), 'p', 's3cret')).toBe('<input type="password" name="p" value="s3cret">');
  });

  it('Textarea puts a newline first (browsers drop it) and escapes the content', () => {
    expect(render(new Textarea(), 'body', '</textarea><script>')).toBe('<textarea name="body" cols="40" rows="10">\n&lt;/textarea&gt;&lt;script&gt;</textarea>');
  });

  it('CheckboxInput is checked by truthy values and reads absence as false', () => {
    expect(render(new CheckboxInput(), 'c', true)).toBe('<input type="checkbox" name="c" checked>');
    expect(render(new CheckboxInput(), 'c', false)).toBe('<input type="checkbox" name="c">');
    expect(render(new CheckboxInput(), 'c', 'yes')).toBe('<input type="checkbox" name="c" value="yes" checked>');
  });

  it('date inputs format Dates in their zone and format', () => {
    const when = new Date('2024-07-01T10:05:09.123Z');
    expect(render(new DateInput(), 'd', when)).toBe('<input type="text" name="d" value="2024-07-01">');
    expect(render(new DateTimeInput(), 'd', when)).toBe('<input type="text" name="d" value="2024-07-01 10:05:09">');
    expect(render(new DateTimeInput({ timeZone: 'Europe/Paris', format: '%d/%m/%Y %H:%M' }), 'd', when)).toBe('<input type="text" name="d" value="01/07/2024 12:05">');
    expect(render(new TimeInput({ format: '%H:%M' }), 't', '14:30:00')).toBe('<input type="text" name="t" value="14:30">');
  });

  it('Select marks the selected option, renders groups and escapes labels', () => {
    const select = new Select({ choices: [['a', 'A & B'], ['G<1>', [['b', '<b>'], ['c', markSafe('<i>C</i>')]]]] });
    expect(render(select, 's', 'b', { id: 'id_s' })).toBe(
      '<select name="s" id="id_s"><option value="a">A &amp; B</option><optgroup label="G&lt;1&gt;"><option value="b" selected>&lt;b&gt;</option><option value="c"><i>C</i></option></optgroup></select>',
    );
    expect(render(new SelectMultiple({ choices: [['a', 'A'], ['b', 'B']] }), 'm', ['a', 'b'])).toBe(
      '<select name="m" multiple><option value="a" selected>A</option><option value="b" selected>B</option></select>',
    );
    expect(render(new NullBooleanSelect(), 'n', false)).toBe(
      '<select name="n"><option value="unknown">Unknown</option><option value="true">Yes</option><option value="false" selected>No</option></select>',
    );
  });

  it('RadioSelect and CheckboxSelectMultiple wrap each input in its label', () => {
    expect(render(new RadioSelect({ choices: [['r', 'Red'], ['g', 'Green']] }), 'c', 'g', { id: 'id_c' })).toBe(
      '<div id="id_c"><div><label for="id_c_0"><input type="radio" name="c" value="r" id="id_c_0"> Red</label></div><div><label for="id_c_1"><input type="radio" name="c" value="g" id="id_c_1" checked> Green</label></div></div>',
    );
    expect(render(new CheckboxSelectMultiple({ choices: [['x', 'X'], ['y', 'Y']] }), 't', ['x', 'y'])).toBe(
      '<div><div><label><input type="checkbox" name="t" value="x" checked> X</label></div><div><label><input type="checkbox" name="t" value="y" checked> Y</label></div></div>',
    );
  });

  it('ClearableFileInput shows the current file with a clear box when optional', () => {
    const widget = new ClearableFileInput();
    expect(render(widget, 'f', { name: 'a<b>.png', url: '/media/a.png?x="1"' })).toBe(
      'Currently: <a href="/media/a.png?x=&quot;1&quot;">a&lt;b&gt;.png</a>\n<input type="checkbox" name="f-clear" id="f-clear_id">\n<label for="f-clear_id">Clear</label><br>\nChange: <input type="file" name="f">',
    );
    widget.isRequired = true;
    expect(render(widget, 'f', null)).toBe('<input type="file" name="f">');
  });

  it('refuses attribute names that could break out of the tag', () => {
    expect(() => new TextInput({ attrs: { 'onclick="x" a': '1' } })).toThrow(/Invalid HTML attribute name/);
    expect(() => render(new TextInput(), 'q', '', { 'a>b': '1' })).toThrow(/Invalid HTML attribute name/);
  });
});

const Contact = defineForm({
  name: fields.CharField({ maxLength: 50, helpText: 'Your full name' }),
  email: fields.EmailField({ label: 'E-mail' }),
  age: fields.IntegerField({ minValue: 18, maxValue: 120, required: false }),
  password: fields.CharField({ widget: PasswordInput, minLength: 8 }),
  topic: fields.ChoiceField({ choices: [['', '---------'], ['sales', 'Sales'], ['help', 'Help']] }),
  color: fields.ChoiceField({ choices: [['r', 'Red'], ['g', 'Green']], widget: RadioSelect, helpText: 'Pick one' }),
  token: fields.CharField({ widget: HiddenInput }),
}, { requiredCssClass: 'required', errorCssClass: 'error' });

describe('form rendering and accessibility', () => {
  it('ties labels to inputs and adds HTML5 attributes from the rules', () => {
    const html = new Contact().asDiv().value;
    expect(html).toContain('<label for="id_name" class="required">Name:</label>');
    expect(html).toContain('<input type="text" name="name" maxlength="50" required aria-describedby="id_name_helptext" id="id_name">');
    expect(html).toContain('<div class="helptext" id="id_name_helptext">Your full name</div>');
    expect(html).toContain('<input type="email" name="email" required id="id_email">');
    expect(html).toContain('<input type="number" name="age" min="18" max="120" id="id_age">');
    expect(html).toContain('<input type="password" name="password" minlength="8" required id="id_password">');
    expect(html).toContain('<select name="topic" required id="id_topic">');
    expect(html).toContain('<fieldset aria-describedby="id_color_helptext">\n<legend class="required">Color:</legend>');
    expect(html).toContain('<input type="hidden" name="token" id="id_token">');
  });

  it('marks invalid fields with aria-invalid and points aria-describedby at help and errors', () => {
    const form = new Contact({ data: { name: 'x', email: 'nope', password: 'short', topic: 'sales', color: 'z', token: 't' } });
    const html = form.asDiv().value;
    expect(html).toContain('<div class="error required">\n<label for="id_email" class="required">E-mail:</label>\n<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>\n<input type="email" name="email" value="nope" required aria-describedby="id_email_error" aria-invalid="true" id="id_email">\n</div>');
    expect(html).toContain('<fieldset aria-describedby="id_color_helptext id_color_error">');
    expect(html).toContain('<input type="radio" name="color" value="r" required aria-invalid="true" id="id_color_0">');
    expect(html).toContain('<input type="password" name="password" minlength="8" required aria-describedby="id_password_error" aria-invalid="true" id="id_password">');
  });

  it('never sends a password back, even in a re-rendered bound form', () => {
    const form = new Contact({ data: { password: 'hunter22-secret' } });
    expect(form.asDiv().value).not.toContain('hunter22-secret');
    expect(form.asP().value).not.toContain('hunter22-secret');
  });

  it('renders the four layouts, hidden fields inside the last row and their errors on top', () => {
    const form = new Contact({ data: { name: 'Ann', email: 'a@example.com', password: 'longenough', topic: 'help', color: 'r' } });
    const top = '<ul class="errorlist nonfield"><li>(Hidden field token) This field is required.</li></ul>';
    for (const html of [form.asDiv().value, form.asP().value, form.asUl().value, form.asTable().value]) {
      expect(html).toContain(top);
      expect(html.indexOf('name="token"')).toBeGreaterThan(html.indexOf('name="color"'));
    }
    expect(form.asP().value).toContain('<p class="required"><label for="id_name" class="required">Name:</label>\n<input type="text" name="name" value="Ann" maxlength="50" required aria-describedby="id_name_helptext" id="id_name">\n<span class="helptext" id="id_name_helptext">Your full name</span></p>');
    expect(form.asTable().value).toContain('<tr class="required">\n<th><label for="id_name" class="required">Name:</label></th>\n<td><input type="text" name="name" value="Ann" maxlength="50" required aria-describedby="id_name_helptext" id="id_name"><br>\n<span class="helptext" id="id_name_helptext">Your full name</span></td>\n</tr>');
    expect(form.asUl().value).toContain('<li class="required"><label for="id_email" class="required">E-mail:</label> <input type="email" name="email" value="a@example.com" required id="id_email"></li>');
    expect(String(form)).toBe(form.asDiv().value);
  });

  it('renders one field at a time', () => {
    const form = new Contact({ data: { email: 'bad' } });
    const email = form.field('email');
    expect(email.labelTag().value).toBe('<label for="id_email" class="required">E-mail:</label>');
    expect(email.labelTag('Mail?').value).toBe('<label for="id_email" class="required">Mail?</label>');
    expect(email.errors.messages).toEqual(['Enter a valid email address.']);
    expect(email.toHtml().value).toContain('value="bad"');
    expect(email.asHidden().value).toBe('<input type="hidden" name="email" value="bad" aria-invalid="true" id="id_email">');
    expect(email.cssClasses()).toBe('error required');
    expect(email.widgetType).toBe('email');
    expect(form.field('color').legendTag().value).toBe('<legend class="required">Color:</legend>');
    expect(form.field('name').helpTextHtml.value).toBe('Your full name');
    expect(new Contact({ autoId: false }).field('name').toHtml().value).toBe('<input type="text" name="name" maxlength="50" required>');
    expect(new Contact({ autoId: 'f_%s' }).field('name').labelTag().value).toBe('<label for="f_name" class="required">Name:</label>');
  });

  it('drops `required` when a form asks, and from selects without an empty first option', () => {
    expect(new Contact({ useRequiredAttribute: false }).asDiv().value).not.toContain(' required ');
    const F = defineForm({ s: fields.ChoiceField({ choices: [['a', 'A']] }), c: fields.MultipleChoiceField({ choices: [['a', 'A']], widget: CheckboxSelectMultiple }) });
    const html = new F().asDiv().value;
    expect(html).toContain('<select name="s" id="id_s">');
    expect(html).not.toContain('required');
  });

  it('knows when it needs multipart', () => {
    expect(new Contact().isMultipart()).toBe(false);
    expect(new (defineForm({ f: fields.FileField() }))().isMultipart()).toBe(true);
  });

  it('lets a DefaultRenderer replace one template', () => {
    const renderer = new DefaultRenderer({ templates: { 'forms/errors/list/ul.eta': (c: { errors: string[] }) => `<p role="alert">${c.errors.join(' ')}</p>` } });
    const form = new Contact({ data: {}, renderer });
    expect(form.asDiv().value).toContain('<p role="alert">This field is required.</p>');
    expect(() => renderer.render('forms/nope.eta', {})).toThrow(/has no template "forms\/nope.eta"/);
  });
});

describe('XSS: everything a re-rendered form prints is escaped', () => {
  const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)", '</textarea><svg onload=alert(1)>', '&lt;script&gt;'];

  const Evil = defineForm({
    title: fields.CharField({ maxLength: 5 }),
    body: fields.CharField({ widget: Textarea }),
    kind: fields.ChoiceField({ choices: [['a', 'A']] }),
    kinds: fields.MultipleChoiceField({ choices: [['a', 'A']], widget: CheckboxSelectMultiple }),
    count: fields.IntegerField(),
    when: fields.DateField(),
    hidden: fields.CharField({ widget: HiddenInput, maxLength: 1 }),
    data: fields.JSONField(),
    site: fields.URLField(),
  }, {
    clean(data) {
      throw new Error(`never reached for ${String(data)}`);
    },
  });

  it.each(payloads)('payload %s', (payload) => {
    const data = { title: payload, body: payload, kind: payload, kinds: [payload], count: payload, when: payload, hidden: payload, data: payload, site: payload };
    const form = new (defineForm(Evil.baseFields))({ data });
    expect(form.isValid()).toBe(false);
    for (const html of [form.asDiv().value, form.asP().value, form.asTable().value, form.asUl().value, form.errors.asUl().value]) {
      // no element of the payload's, and none of its quotes: it stays text inside our attributes
      expect(html).not.toMatch(/<script|<img|<svg|<\/textarea><svg/i);
      expect(html).not.toContain("'");
      expect(html).not.toContain(payload);
    }
    expect(form.asDiv().value).toContain(`value="${escapeHtml(payload)}"`);
  });

  it('escapes labels, help texts and choice labels unless they are SafeString', () => {
    const F = defineForm({
      a: fields.ChoiceField({ label: '<b>A</b>', helpText: '<i>help</i>', choices: [['<x>', '<y>']] }),
      b: fields.CharField({ label: markSafe('<b>B</b>'), helpText: new SafeString('<i>safe help</i>') }),
    });
    const html = new F().asDiv().value;
    expect(html).toContain('&lt;b&gt;A&lt;/b&gt;:');
    expect(html).toContain('&lt;i&gt;help&lt;/i&gt;');
    expect(html).toContain('<option value="&lt;x&gt;">&lt;y&gt;</option>');
    expect(html).toContain('<b>B</b>:');
    expect(html).toContain('<i>safe help</i>');
  });

  it('escapes user input interpolated into error messages', () => {
    const F = defineForm({ kind: fields.ChoiceField({ choices: [['a', 'A']] }) });
    const form = new F({ data: { kind: '<script>alert(1)</script>' } });
    expect(form.errors.get('kind')!.asUl().value).toBe('<ul class="errorlist" id="id_kind_error"><li>Select a valid choice. &lt;script&gt;alert(1)&lt;/script&gt; is not one of the available choices.</li></ul>');
    expect(form.errors.asUl().value).not.toContain('<script>');
  });
});
