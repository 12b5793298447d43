import { CASCADE, type Database, defineModel, fields as db, SET_NULL } from '@manouche/orm';
import { expectTypeOf } from 'expect-type';
import { CharField, fields, FormError, Textarea, ValidationError } from '../src/index';
import { ModelChoiceField, ModelMultipleChoiceField, modelForm } from '../src/orm/index';
import { sqliteWith } from './support/orm';

const Author = defineModel('mf.Author', { fields: { name: db.CharField({ maxLength: 50 }) } });
const Tag = defineModel('mf.Tag', { fields: { name: db.CharField({ maxLength: 20, unique: true }) } });
const Article = defineModel('mf.Article', {
  fields: {
    title: db.CharField({ maxLength: 100, unique: true, helpText: 'Shown <b>big</b>' }),
    body: db.TextField({ blank: true }),
    status: db.CharField({ maxLength: 10, choices: [['draft', 'Draft'], ['live', 'Live']], default: 'draft' }),
    author: db.ForeignKey(() => Author, { onDelete: CASCADE }),
    editor: db.ForeignKey(() => Author, { onDelete: SET_NULL, null: true, blank: true, relatedName: 'edited' }),
    tags: db.ManyToManyField(() => Tag, { blank: true }),
    rating: db.IntegerField({ null: true, blank: true }),
    price: db.DecimalField({ maxDigits: 6, decimalPlaces: 2, default: '0.00' }),
    publishedOn: db.DateField({ null: true, blank: true }),
    featured: db.BooleanField({ default: false }),
  },
  meta: { ordering: ['id'] },
});

const ArticleForm = modelForm(Article, {
  fields: ['title', 'body', 'status', 'author', 'editor', 'tags', 'rating', 'price', 'publishedOn', 'featured'],
  labels: { publishedOn: 'Publication date' },
  cleanTitle(value) {
    if (value.toLowerCase().includes('spam')) throw new ValidationError('No spam.', 'spam');
    return value;
  },
});

let database: Database;
let ann: InstanceType<typeof Author>;
let bob: InstanceType<typeof Author>;
let js: InstanceType<typeof Tag>;
let ts: InstanceType<typeof Tag>;

beforeAll(async () => {
  database = await sqliteWith([Author, Tag, Article]);
  ann = await Author.objects.create({ name: 'Ann' });
  bob = await Author.objects.create({ name: 'Bob' });
  [js, ts] = (await Tag.objects.bulkCreate([{ name: 'js' }, { name: 'ts' }])) as [typeof js, typeof ts];
});
afterAll(() => database.close());

describe('modelForm', () => {
  it('builds fields from the model: types, choices, lengths, required from blank, relations', () => {
    const form = new ArticleForm();
    const f = form.fields;
    expect(f.title).toBeInstanceOf(CharField);
    expect((f.title as unknown as { maxLength: number }).maxLength).toBe(100);
    expect(f.title.required).toBe(true);
    expect(f.title.helpText).toBe('Shown <b>big</b>');
    expect(f.body.required).toBe(false);
    expect(f.body.widget).toBeInstanceOf(Textarea);
    expect(f.author).toBeInstanceOf(ModelChoiceField);
    expect(f.editor.required).toBe(false);
    expect(f.tags).toBeInstanceOf(ModelMultipleChoiceField);
    expect(f.tags.required).toBe(false);
    expect(f.publishedOn.label).toBe('Publication date');
    expect(form.field('price').value()).toBe('0.00');
    expect(form.field('status').value()).toBe('draft');
    expect(() => modelForm(Article, { fields: ['nope' as 'title'] })).toThrow(/Unknown field "nope" specified for Article/);
  });

  it('types cleanedData from the model', () => {
    const form = new ArticleForm();
    type Data = typeof form.cleanedData;
    expectTypeOf<Data['title']>().toEqualTypeOf<string>();
    expectTypeOf<Data['rating']>().toEqualTypeOf<number | null>();
    expectTypeOf<Data['price']>().toEqualTypeOf<string>();
    expectTypeOf<Data['publishedOn']>().toEqualTypeOf<string | null>();
    expectTypeOf<Data['author']>().toEqualTypeOf<InstanceType<typeof Author>>();
    expectTypeOf<Data['editor']>().toEqualTypeOf<InstanceType<typeof Author> | null>();
    expectTypeOf<Data['tags']>().toEqualTypeOf<InstanceType<typeof Tag>[]>();
    expectTypeOf(form.instance).toEqualTypeOf<InstanceType<typeof Article>>();
  });

  it('renders after load(), with the related objects as options', async () => {
    const form = new ArticleForm();
    expect(() => form.asDiv()).toThrow(/call `await form.load\(\)` before rendering/);
    await form.load();
    const html = form.asDiv().value;
    expect(html).toContain(`<select name="author" required id="id_author"><option value="" selected>---------</option><option value="${ann.pk}">Author object (${ann.pk})</option>`);
    expect(html).toContain('<select name="tags" id="id_tags" multiple>');
    expect(html).toContain('<select name="status" id="id_status"><option value="draft" selected>Draft</option>');
    expect(html).toContain('Shown &lt;b&gt;big&lt;/b&gt;');
  });

  it('creates an object with its many-to-many values', async () => {
    const form = new ArticleForm({ data: { title: 'Hello', author: String(ann.pk), tags: [String(js.pk), String(ts.pk)], rating: '4', price: '9.50', featured: 'on', status: 'draft' } });
    expect(() => form.isValid()).toThrow(FormError);
    expect(await form.validate()).toBe(true);
    expect(form.cleanedData.author.pk).toBe(ann.pk);
    const article = await form.save();
    expect(article.pk).toEqual(expect.any(Number));
    const saved = await Article.objects.get({ pk: article.pk });
    expect([saved.title, saved.authorId, saved.rating, saved.price, saved.featured, saved.status, saved.body]).toEqual(['Hello', ann.pk, 4, '9.50', true, 'draft', '']);
    expect((await saved.tags.all()).map((t) => t.name)).toEqual(['js', 'ts']);
  });

  it('edits an instance: initial values from it, unique check excluding itself', async () => {
    const article = await Article.objects.create({ title: 'Edit me', body: '', author: ann, rating: 2 });
    await article.tags.set([js]);
    const unbound = new ArticleForm({ instance: article });
    await unbound.load();
    expect(unbound.field('title').value()).toBe('Edit me');
    expect(unbound.field('author').value()).toBe(ann.pk);
    expect(unbound.asDiv().value).toContain(`<option value="${js.pk}" selected>`);
    const form = new ArticleForm({ instance: article, data: { title: 'Edit me', author: String(bob.pk), tags: [String(ts.pk)], price: '1.00', status: 'live' } });
    expect(await form.validate()).toBe(true);
    await form.save();
    const saved = await Article.objects.get({ pk: article.pk });
    expect([saved.authorId, saved.status, saved.rating]).toEqual([bob.pk, 'live', null]);
    expect((await saved.tags.all()).map((t) => t.name)).toEqual(['ts']);
    expect(await Article.objects.filter({ title: 'Edit me' }).count()).toBe(1);
  });

  it('reports unique violations from the database, and refuses choices outside the queryset', async () => {
    await Article.objects.create({ title: 'Taken', body: '', author: ann });
    const form = new ArticleForm({ data: { title: 'Taken', author: '999999', tags: ['abc'], price: '1', editor: String(bob.pk), status: 'live' } });
    expect(await form.validate()).toBe(false);
    expect(form.errors.toJSON()).toEqual({
      author: ['Select a valid choice. That choice is not one of the available choices.'],
      tags: ['“abc” is not a valid value.'],
      title: ['Article with this Title already exists.'],
    });
    const spam = new ArticleForm({ data: { title: 'spam!', author: String(ann.pk), price: '1', status: 'draft' } });
    expect(await spam.validate()).toBe(false);
    expect(spam.errors.toJSON()).toEqual({ title: ['No spam.'] });
    await expect(spam.save()).rejects.toThrow("The Article could not be created because the data didn't validate.");
  });

  it('saves with commit: false, then the many-to-many values', async () => {
    const form = new ArticleForm({ data: { title: 'Later', author: String(ann.pk), tags: [String(js.pk)], price: '2', status: 'draft' } });
    expect(await form.validate()).toBe(true);
    const article = await form.save({ commit: false });
    expect(article.pk).toBeNull();
    article.rating = 5;
    await article.save();
    await form.saveM2m();
    const saved = await Article.objects.get({ pk: article.pk });
    expect(saved.rating).toBe(5);
    expect((await saved.tags.all()).map((t) => t.name)).toEqual(['js']);
  });

  it('takes declared fields and widgets', async () => {
    const Short = modelForm(Article, {
      fields: ['title', 'author'],
      widgets: { title: Textarea },
      declared: { notify: fields.BooleanField({ required: false }) },
    });
    const form = new Short({ data: { title: 'Declared', author: String(ann.pk), notify: 'on' } });
    expect(await form.validate()).toBe(true);
    expectTypeOf(form.cleanedData.notify).toEqualTypeOf<boolean>();
    expect(form.cleanedData.notify).toBe(true);
    expect(form.fields.title.widget).toBeInstanceOf(Textarea);
    const article = await form.save();
    expect(article.price).toBe('0.00');
  });
});
