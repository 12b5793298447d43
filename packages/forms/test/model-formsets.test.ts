import { CASCADE, type Database, defineModel, fields as db } from '@manouche/orm';
import { expectTypeOf } from 'expect-type';
import { FormError } from '../src/index';
import { inlineFormsetFactory, modelFormsetFactory } from '../src/orm/index';
import { sqliteWith } from './support/orm';

const Author = defineModel('mfs.Author', { fields: { name: db.CharField({ maxLength: 50, unique: true }) }, meta: { ordering: ['name'] } });
const Book = defineModel('mfs.Book', {
  fields: {
    author: db.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'books' }),
    title: db.CharField({ maxLength: 100 }),
    year: db.IntegerField({ null: true, blank: true }),
  },
  meta: { uniqueTogether: [['author', 'title']], ordering: ['id'] },
});

let database: Database;
beforeAll(async () => {
  database = await sqliteWith([Author, Book]);
});
afterAll(() => database.close());
beforeEach(async () => {
  await Book.objects.all().delete();
  await Author.objects.all().delete();
});

const management = (prefix: string, total: number, initial: number): Record<string, string> => ({ [`${prefix}-TOTAL_FORMS`]: String(total), [`${prefix}-INITIAL_FORMS`]: String(initial) });

describe('modelFormsetFactory', () => {
  const AuthorFormSet = modelFormsetFactory(Author, { fields: ['name'], extra: 1, canDelete: true });

  it('shows a form per object plus extra forms, after load()', async () => {
    const ann = await Author.objects.create({ name: 'Ann' });
    await Author.objects.create({ name: 'Bob' });
    const formset = new AuthorFormSet();
    expect(() => formset.forms).toThrow(/call `await formset.load\(\)`/);
    await formset.load();
    expect(formset.forms).toHaveLength(3);
    const html = formset.asDiv().value;
    expect(html).toContain('name="form-TOTAL_FORMS" value="3"');
    expect(html).toContain('name="form-INITIAL_FORMS" value="2"');
    expect(html).toContain(`<input type="hidden" name="form-0-id" value="${ann.pk}" id="id_form-0-id">`);
    expect(html).toContain('<input type="text" name="form-0-name" value="Ann" maxlength="50" id="id_form-0-name">');
    expectTypeOf<(typeof formset.forms)[number]['cleanedData']['name']>().toEqualTypeOf<string>();
  });

  it('updates, deletes and creates objects', async () => {
    const ann = await Author.objects.create({ name: 'Ann' });
    const bob = await Author.objects.create({ name: 'Bob' });
    const data = {
      ...management('form', 3, 2),
      'form-0-id': String(ann.pk), 'form-0-name': 'Annie',
      'form-1-id': String(bob.pk), 'form-1-name': 'Bob', 'form-1-DELETE': 'on',
      'form-2-name': 'Cid',
    };
    const formset = new AuthorFormSet({ data });
    expect(await formset.validate()).toBe(true);
    const saved = await formset.save();
    expect(saved.map((a) => a.name)).toEqual(['Annie', 'Cid']);
    expect(formset.changedObjects.map(([a, changed]) => [a.name, changed])).toEqual([['Annie', ['name']]]);
    expect(formset.deletedObjects.map((a) => a.name)).toEqual(['Bob']);
    expect((await Author.objects.all()).map((a) => a.name)).toEqual(['Annie', 'Cid']);
  });

  it('refuses a form pointing at an object outside the queryset', async () => {
    const ann = await Author.objects.create({ name: 'Ann' });
    const other = await Author.objects.create({ name: 'Zed' });
    const formset = new AuthorFormSet({ queryset: Author.objects.filter({ name: 'Ann' }), data: { ...management('form', 1, 1), 'form-0-id': String(other.pk), 'form-0-name': 'Hacked' } });
    expect(await formset.validate()).toBe(false);
    expect(formset.errors[0]!.toJSON()).toEqual({ id: ['Select a valid choice. That choice is not one of the available choices.'] });
    await expect(formset.save()).rejects.toThrow(FormError);
    expect((await Author.objects.get({ pk: other.pk })).name).toBe('Zed');
    expect((await Author.objects.get({ pk: ann.pk })).name).toBe('Ann');
  });

  it('checks uniqueness across the forms and against the database', async () => {
    await Author.objects.create({ name: 'Ann' });
    const formset = new AuthorFormSet({ data: { ...management('form', 3, 1), 'form-0-id': String((await Author.objects.get({ name: 'Ann' })).pk), 'form-0-name': 'Ann', 'form-1-name': 'Bea', 'form-2-name': 'Bea' } });
    expect(await formset.validate()).toBe(false);
    expect(formset.nonFormErrors().messages).toEqual(['Please correct the duplicate data for name, which must be unique.']);
    expect(formset.errors[2]!.toJSON()).toEqual({ __all__: ['Please correct the duplicate values below.'] });
    const clash = new AuthorFormSet({ data: { ...management('form', 2, 1), 'form-0-id': String((await Author.objects.get({ name: 'Ann' })).pk), 'form-0-name': 'Ann', 'form-1-name': 'Ann' } });
    expect(await clash.validate()).toBe(false);
    expect(clash.errors[1]!.toJSON()).toEqual({ name: ['Author with this Name already exists.'] });
  });
});

describe('inlineFormsetFactory', () => {
  const BookFormSet = inlineFormsetFactory(Author, Book, { fields: ['title', 'year'], extra: 2, canDelete: true });

  it('edits the children of one parent, setting the foreign key itself', async () => {
    const ann = await Author.objects.create({ name: 'Ann' });
    const bob = await Author.objects.create({ name: 'Bob' });
    const first = await Book.objects.create({ author: ann, title: 'First' });
    await Book.objects.create({ author: bob, title: "Bob's" });
    const unbound = new BookFormSet({ instance: ann });
    await unbound.load();
    expect(unbound.forms).toHaveLength(3);
    expect(unbound.prefix).toBe('books');
    expect(unbound.asDiv().value).toContain(`<input type="hidden" name="books-0-author" value="${ann.pk}" id="id_books-0-author">`);
    const formset = new BookFormSet({
      instance: ann,
      data: { ...management('books', 3, 1), 'books-0-id': String(first.pk), 'books-0-title': 'First, revised', 'books-1-title': 'Second', 'books-1-year': '2024', 'books-2-title': '' },
    });
    expect(await formset.validate()).toBe(true);
    await formset.save();
    const books = await Book.objects.filter({ author: ann }).orderBy('id');
    expect(books.map((b) => [b.title, b.year])).toEqual([['First, revised', null], ['Second', 2024]]);
    expect(await Book.objects.filter({ author: bob }).count()).toBe(1);
  });

  it('checks unique_together including the parent', async () => {
    const ann = await Author.objects.create({ name: 'Ann' });
    await Book.objects.create({ author: ann, title: 'Taken' });
    const formset = new BookFormSet({ instance: ann, data: { ...management('books', 1, 0), 'books-0-title': 'Taken' } });
    expect(await formset.validate()).toBe(false);
    expect(formset.errors[0]!.toJSON()).toEqual({ __all__: ['Book with this Author and Title already exists.'] });
  });

  it('needs exactly one foreign key to the parent', () => {
    expect(() => inlineFormsetFactory(Book, Author, { fields: ['name'] })).toThrow(/Author has no foreign key to mfs.Book/);
  });
});
