import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, createApp, HttpResponse, path } from '@manouche/core';
import { Engine, templatesApp } from '@manouche/templates';
import {
  CheckboxSelectMultiple,
  configureForms,
  defineForm,
  DefaultRenderer,
  fields,
  formsApp,
  formsetFactory,
  HiddenInput,
  MultipleHiddenInput,
  NullBooleanSelect,
  PasswordInput,
  RadioSelect,
  type FormRenderer,
} from '../src/index';
import { TemplatesFormRenderer } from '../src/templates';

/** HTML with whitespace runs collapsed and none between tags: the templates may lay out lines differently. */
const normalize = (html: string): string => html.replace(/\s+/g, ' ').replace(/>\s+</g, '><').replace(/>\s+/g, '>').replace(/\s+</g, '<').trim();

const Everything = defineForm({
  title: fields.CharField({ maxLength: 30, helpText: 'Short <em>title</em>' }),
  body: fields.CharField({ widget: new (require('../src/index').Textarea)(), required: false }),
  password: fields.CharField({ widget: PasswordInput }),
  age: fields.IntegerField({ minValue: 0, required: false }),
  kind: fields.ChoiceField({ choices: [['', '---'], ['a', 'A & B'], ['Group', [['g1', '<G1>'], ['g2', 'G2']]]] }),
  colors: fields.MultipleChoiceField({ choices: [['r', 'Red'], ['g', 'Green']], widget: CheckboxSelectMultiple, helpText: 'Any' }),
  size: fields.ChoiceField({ choices: [['s', 'Small'], ['l', 'Large']], widget: RadioSelect }),
  agree: fields.BooleanField(),
  maybe: fields.NullBooleanField({ widget: NullBooleanSelect }),
  tags: fields.MultipleChoiceField({ choices: [['x', 'X'], ['y', 'Y']], widget: MultipleHiddenInput, required: false }),
  token: fields.CharField({ widget: HiddenInput }),
  attachment: fields.FileField({ required: false }),
  when: fields.DateTimeField({ required: false }),
}, {
  requiredCssClass: 'required',
  errorCssClass: 'error',
  clean() {
    throw new (require('@manouche/core').ValidationError)('Form-wide <problem>.');
  },
});

const bound = { title: '"><script>x</script>', password: 'secret', age: '-1', kind: 'g1', colors: ['r', 'z'], size: 'l', maybe: 'true', tags: ['x', 'y'], when: '2024-01-02 03:04' };
const initial = { attachment: { name: 'cv.pdf', url: '/media/cv.pdf' } };

describe('TemplatesFormRenderer', () => {
  const templates = new TemplatesFormRenderer();
  const code = new DefaultRenderer();
  const both = (make: (renderer: FormRenderer) => string): [string, string] => [normalize(make(code)), normalize(make(templates))];

  it.each(['asDiv', 'asP', 'asTable', 'asUl'] as const)('renders %s like the built-in renderer, bound and unbound', (layout) => {
    const [a, b] = both((renderer) => new Everything({ renderer, data: bound, initial })[layout]().value);
    expect(b).toBe(a);
    const [c, d] = both((renderer) => new Everything({ renderer, initial })[layout]().value);
    expect(d).toBe(c);
    expect(a).toContain('aria-invalid="true"');
  });

  it('renders formsets and single fields like the built-in renderer', () => {
    const ItemSet = formsetFactory(defineForm({ name: fields.CharField() }), { canDelete: true, canOrder: true, extra: 2 });
    const [a, b] = both((renderer) => new ItemSet({ renderer, data: { 'form-TOTAL_FORMS': '1', 'form-INITIAL_FORMS': '0', 'form-0-ORDER': 'x' } }).asTable().value);
    expect(b).toBe(a);
    expect(a).toContain('<li>Enter a whole number.</li>');
    const [c, d] = both((renderer) => new Everything({ renderer, data: bound }).field('size').asFieldGroup().value);
    expect(d).toBe(c);
  });

  it('uses a project\'s template over the built-in one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-tpl-'));
    mkdirSync(join(dir, 'forms/errors/list'), { recursive: true });
    writeFileSync(join(dir, 'forms/errors/list/ul.eta'), '<div class="alert" role="alert"<% if (it.errorId) { %> id="<%= it.errorId %>"<% } %>><% for (const e of it.errors) { %><p><%= e %></p><% } %></div>');
    writeFileSync(join(dir, 'forms/field.eta'), '<div class="field"><%~ it.field.labelTag() %><%~ it.field.errors.asUl() %><%~ it.field.toHtml() %></div>');
    const renderer = new TemplatesFormRenderer({ dirs: [dir] });
    const html = new (defineForm({ name: fields.CharField() }))({ renderer, data: { name: '' } }).asDiv().value;
    expect(normalize(html)).toBe('<div class="required"><div class="field"><label for="id_name">Name:</label><div class="alert" role="alert" id="id_name_error"><p>This field is required.</p></div><input type="text" name="name" required aria-describedby="id_name_error" aria-invalid="true" id="id_name"></div></div>'.replace('<div class="required">', '<div>'));
  });

  it('escapes through the templates too', () => {
    const html = new Everything({ renderer: templates, data: bound }).asDiv().value;
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain('Form-wide &lt;problem&gt;.');
    expect(html).toContain('Short &lt;em&gt;title&lt;/em&gt;');
    expect(html).not.toContain('secret');
  });
});

describe('formsApp and FORM_RENDERER', () => {
  afterEach(() => configureForms({ renderer: null }));

  it('lets a project\'s template engine render forms, its templates first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-project-'));
    mkdirSync(join(dir, 'forms'), { recursive: true });
    writeFileSync(join(dir, 'forms/label.eta'), '<<%= it.tag %> class="project-label"<%~ include("forms/attrs", { attrs: it.attrs }) %>><%= it.label %></<%= it.tag %>>');
    const Contact = defineForm({ email: fields.EmailField() });
    const app = createApp({
      settings: {
        DEBUG: true, SECRET_KEY: 'test-only', ALLOWED_HOSTS: ['*'],
        INSTALLED_APPS: [templatesApp(), formsApp()],
        TEMPLATES: [{ DIRS: [dir] }],
        FORM_RENDERER: TemplatesFormRenderer.fromApp,
      },
      urls: [path('contact/', () => new HttpResponse(new Contact().asP().value))],
    });
    const response = await new Client(app).get('/contact/');
    expect(normalize(response.text)).toBe('<p><label class="project-label" for="id_email">Email:</label><input type="email" name="email" required id="id_email"></p>');
  });

  it('takes an engine built elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forms-engine-'));
    mkdirSync(join(dir, 'forms/widgets'), { recursive: true });
    writeFileSync(join(dir, 'forms/widgets/input.eta'), '<input class="fancy" type="<%= it.widget.type %>" name="<%= it.widget.name %>">');
    const { FORMS_TEMPLATES_DIR } = require('../src/templates') as typeof import('../src/templates');
    const renderer = new TemplatesFormRenderer({ engine: new Engine({ dirs: [dir, FORMS_TEMPLATES_DIR] }) });
    expect(new (defineForm({ q: fields.CharField() }))({ renderer }).field('q').toHtml().value).toBe('<input class="fancy" type="text" name="q">');
  });
});
