import {
  CASCADE,
  createRegistry,
  DatabaseError,
  defineModel,
  DO_NOTHING,
  F,
  fields,
  IntegrityError,
  PROTECT,
  ProtectedError,
  RESTRICT,
  RestrictedError,
  SET_DEFAULT,
  SET_NULL,
  uuid4,
  ValidationError,
} from '../src/index';
import * as core from '@manouche/core';
import { eachBackend } from './support';

const Shelter = defineModel('w.Shelter', { fields: { code: fields.CharField({ primaryKey: true, maxLength: 10 }), city: fields.CharField({ maxLength: 50, default: '' }) } });
const Owner = defineModel('w.Owner', { fields: { name: fields.CharField({ maxLength: 50 }) } });
const Vet = defineModel('w.Vet', { fields: { name: fields.CharField({ maxLength: 50 }) } });
const Pet = defineModel('w.Pet', {
  fields: {
    name: fields.CharField({ maxLength: 50 }),
    owner: fields.ForeignKey(() => Owner, { onDelete: CASCADE, relatedName: 'pets' }),
    vet: fields.ForeignKey(() => Vet, { onDelete: PROTECT, null: true, relatedName: 'patients' }),
    sitter: fields.ForeignKey(() => Owner, { onDelete: SET_NULL, null: true, relatedName: 'sitting' }),
    shelter: fields.ForeignKey(() => Shelter, { onDelete: SET_DEFAULT, default: 'main', relatedName: 'pets' }),
    microchip: fields.ForeignKey(() => Vet, { onDelete: DO_NOTHING, null: true, relatedName: '+', dbConstraint: false }),
  },
});
const Toy = defineModel('w.Toy', { fields: { pet: fields.ForeignKey(() => Pet, { onDelete: CASCADE, relatedName: 'toys' }), label: fields.CharField({ maxLength: 20 }) } });

const Artist = defineModel('w.Artist', { fields: { name: fields.CharField({ maxLength: 50 }) } });
const Album = defineModel('w.Album', { fields: { artist: fields.ForeignKey(() => Artist, { onDelete: CASCADE }), title: fields.CharField({ maxLength: 50 }) } });
const Song = defineModel('w.Song', {
  fields: {
    album: fields.ForeignKey(() => Album, { onDelete: CASCADE }),
    artist: fields.ForeignKey(() => Artist, { onDelete: RESTRICT }),
    title: fields.CharField({ maxLength: 50 }),
  },
});

const Thing = defineModel('w.Thing', {
  fields: {
    uid: fields.UUIDField({ default: uuid4, unique: true }),
    big: fields.BigIntegerField({ default: 0 }),
    price: fields.DecimalField({ maxDigits: 8, decimalPlaces: 2, null: true }),
    ratio: fields.FloatField({ null: true }),
    flag: fields.BooleanField({ null: true }),
    day: fields.DateField({ null: true }),
    at: fields.DateTimeField({ null: true }),
    created: fields.DateTimeField({ autoNowAdd: true }),
    updated: fields.DateTimeField({ autoNow: true }),
    data: fields.JSONField({ null: true }),
    email: fields.EmailField({ blank: true, default: '' }),
    slug: fields.SlugField({ unique: true }),
    url: fields.URLField({ blank: true, default: '' }),
    status: fields.CharField({ maxLength: 1, choices: [['d', 'Draft'], ['p', 'Published']], default: 'd' }),
    count: fields.PositiveIntegerField({ default: 0 }),
  },
});

const models = [Shelter, Owner, Vet, Pet, Toy, Artist, Album, Song, Thing];

eachBackend('writes', models, ({ db, backend }) => {
  beforeEach(async () => {
    await Shelter.objects.create({ code: 'main', city: 'Lyon' });
  });

  describe('save, create, update', () => {
    it('inserts, then updates the same row; sets the generated key', async () => {
      const ann = new Owner({ name: 'Ann' });
      expect(ann.id).toBeNull();
      await ann.save();
      expect(typeof ann.id).toBe('number');
      ann.name = 'Annie';
      await ann.save();
      expect(await Owner.objects.count()).toBe(1);
      expect((await Owner.objects.get({ pk: ann.id })).name).toBe('Annie');
      expect(ann.pk).toBe(ann.id);
    });

    it('saves only updateFields, and refuses impossible forced saves', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      const copy = await Owner.objects.get({ id: ann.id });
      copy.name = 'Changed';
      await copy.save({ updateFields: [] });
      expect((await Owner.objects.get({ id: ann.id })).name).toBe('Ann');
      await copy.save({ updateFields: ['name'] });
      expect((await Owner.objects.get({ id: ann.id })).name).toBe('Changed');
      await expect(new Owner({ name: 'x' }).save({ forceUpdate: true })).rejects.toThrow(DatabaseError);
      await expect(Owner.objects.create({ id: ann.id, name: 'dup' })).rejects.toBeInstanceOf(IntegrityError);
      await expect(copy.save({ updateFields: ['nope' as never] })).rejects.toThrow(/updateFields: "nope" is not a concrete/);
    });

    it('a new object with an explicit key updates the row if it exists, else inserts', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      await new Owner({ id: ann.id, name: 'Replaced' }).save();
      expect(await Owner.objects.valuesList('name', { flat: true })).toEqual(['Replaced']);
      await new Owner({ id: ann.id + 100, name: 'New' }).save();
      expect(await Owner.objects.count()).toBe(2);
    });

    it('update() returns the number of rows, accepts F() and filters through joins', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      const bob = await Owner.objects.create({ name: 'Bob' });
      await Pet.objects.create({ name: 'Rex', owner: ann });
      await Pet.objects.create({ name: 'Tom', owner: bob });
      expect(await Pet.objects.filter({ owner__name: 'Ann' }).update({ name: 'Rexy' })).toBe(1);
      expect(await Pet.objects.update({ sitter: bob })).toBe(2);
      expect(await Pet.objects.filter({ sitter: bob }).count()).toBe(2);
      expect(await Thing.objects.create({ slug: 'a', big: 5 }).then(() => Thing.objects.update({ big: F('big').add(1) }))).toBe(1);
      expect((await Thing.objects.get({ slug: 'a' })).big).toBe(6);
      await expect(Owner.objects.update({ nope: 1 } as never)).rejects.toThrow(/update\(\): w\.Owner has no concrete field "nope"/);
      expect(await Owner.objects.filter({ name: 'nobody' }).update({ name: 'x' })).toBe(0);
    });

    it('refreshFromDb() reloads fields and forgets a stale related object', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      const bob = await Owner.objects.create({ name: 'Bob' });
      const rex = await Pet.objects.create({ name: 'Rex', owner: ann });
      expect(rex.owner.name).toBe('Ann');
      await Pet.objects.filter({ id: rex.id }).update({ owner: bob, name: 'Rexy' });
      await rex.refreshFromDb({ fields: ['name'] });
      expect([rex.name, rex.ownerId]).toEqual(['Rexy', ann.id]);
      await rex.refreshFromDb();
      expect(rex.ownerId).toBe(bob.id);
      expect(() => rex.owner).toThrow(/w\.Pet\.owner is not loaded/);
      expect((await rex.related('owner')).name).toBe('Bob');
      expect(rex.owner.name).toBe('Bob');
    });

    it('refuses to save an object pointing at an unsaved one', async () => {
      const ghost = new Owner({ name: 'Ghost' });
      await expect(new Pet({ name: 'Rex', owner: ghost }).save()).rejects.toThrow('save() prohibited to prevent data loss due to unsaved related object "owner"');
      await ghost.save();
      const pet = new Pet({ name: 'Rex', owner: ghost });
      await pet.save();
      expect(pet.ownerId).toBe(ghost.id);
    });

    it('getOrCreate and updateOrCreate', async () => {
      const [ann, created] = await Owner.objects.getOrCreate({ name: 'Ann' });
      expect(created).toBe(true);
      const [again, createdAgain] = await Owner.objects.getOrCreate({ name: 'Ann' });
      expect([again.id, createdAgain]).toEqual([ann.id, false]);
      const [pet, made] = await Pet.objects.getOrCreate({ name: 'Rex', owner: ann }, { shelterId: 'main' });
      expect(made).toBe(true);
      const [updated, madeAgain] = await Pet.objects.updateOrCreate({ name: 'Rex' }, { name: 'Rex II' });
      expect([updated.id, madeAgain, updated.name]).toEqual([pet.id, false, 'Rex II']);
      const [fresh, freshMade] = await Owner.objects.updateOrCreate({ name: 'Bob' }, {});
      expect([fresh.name, freshMade]).toEqual(['Bob', true]);
    });
  });

  describe('deleting follows onDelete', () => {
    it('CASCADE deletes dependents, SET_NULL and SET_DEFAULT update them, and the counts are returned', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      const bob = await Owner.objects.create({ name: 'Bob' });
      await Shelter.objects.create({ code: 'north' });
      const rex = await Pet.objects.create({ name: 'Rex', owner: ann, sitter: bob, shelterId: 'north' });
      const tom = await Pet.objects.create({ name: 'Tom', owner: bob, sitter: ann });
      await Toy.objects.bulkCreate([{ pet: rex, label: 'ball' }, { pet: rex, label: 'bone' }, { pet: tom, label: 'rope' }]);
      const [total, counts] = await ann.delete();
      expect(total).toBe(4);
      expect(counts).toEqual({ 'w.Owner': 1, 'w.Pet': 1, 'w.Toy': 2 });
      expect(ann.id).toBeNull();
      const tomAfter = await Pet.objects.get({ name: 'Tom' });
      expect(tomAfter.sitterId).toBeNull();
      await Shelter.objects.filter({ code: 'north' }).delete();
      await Pet.objects.create({ name: 'Kit', owner: bob, shelterId: 'north' }).catch(() => undefined);
      expect(await Toy.objects.count()).toBe(1);
    });

    it('SET_DEFAULT moves dependents to the default', async () => {
      await Shelter.objects.create({ code: 'north' });
      const bob = await Owner.objects.create({ name: 'Bob' });
      await Pet.objects.create({ name: 'Rex', owner: bob, shelterId: 'north' });
      await Shelter.objects.filter({ code: 'north' }).delete();
      expect((await Pet.objects.get({ name: 'Rex' })).shelterId).toBe('main');
    });

    it('PROTECT refuses with ProtectedError and deletes nothing', async () => {
      const vet = await Vet.objects.create({ name: 'Dr. V' });
      const ann = await Owner.objects.create({ name: 'Ann' });
      await Pet.objects.create({ name: 'Rex', owner: ann, vet });
      const error = await vet.delete().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtectedError);
      expect((error as ProtectedError).message).toBe(`Cannot delete some instances of model "Vet" because they are referenced through protected foreign keys: 'Pet.vet'.`);
      expect((error as ProtectedError).protectedObjects).toHaveLength(1);
      expect(await Vet.objects.count()).toBe(1);
      // deleting the owner cascades to the pet first, after which nothing protects the vet
      await ann.delete();
      await vet.delete();
      expect(await Vet.objects.count()).toBe(0);
    });

    it('RESTRICT refuses unless the row goes through another CASCADE path', async () => {
      const a = await Artist.objects.create({ name: 'A' });
      const b = await Artist.objects.create({ name: 'B' });
      const own = await Album.objects.create({ artist: a, title: 'Own' });
      await Song.objects.create({ album: own, artist: a, title: 'one' });
      expect(await a.delete()).toEqual([3, { 'w.Artist': 1, 'w.Album': 1, 'w.Song': 1 }]);
      const other = await Album.objects.create({ artist: b, title: 'Other' });
      const c = await Artist.objects.create({ name: 'C' });
      await Song.objects.create({ album: other, artist: c, title: 'feat' });
      await expect(c.delete()).rejects.toBeInstanceOf(RestrictedError);
      await expect(c.delete()).rejects.toThrow(`Cannot delete some instances of model "Artist" because they are referenced through restricted foreign keys: 'Song.artist'.`);
      expect(await Artist.objects.count()).toBe(2);
    });

    it('QuerySet.delete() deletes matching rows in one go', async () => {
      const ann = await Owner.objects.create({ name: 'Ann' });
      await Pet.objects.bulkCreate(Array.from({ length: 30 }, (_, i) => ({ name: `p${i}`, owner: ann })));
      const [n, counts] = await Pet.objects.filter({ name__startswith: 'p1' }).delete();
      expect(n).toBe(11);
      expect(counts['w.Pet']).toBe(11);
      expect(await Pet.objects.filter({ owner__name: 'Ann', name__endswith: '2' }).delete()).toEqual([2, { 'w.Pet': 2 }]);
      expect(await Pet.objects.count()).toBe(17);
    });
  });

  describe('bulk operations', () => {
    it('bulkCreate sets primary keys and honours ignoreConflicts / updateConflicts', async () => {
      const owners = await Owner.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, new Owner({ name: 'c' })]);
      expect(owners.every((o) => typeof o.id === 'number')).toBe(true);
      expect(new Set(owners.map((o) => o.id)).size).toBe(3);
      expect((await Owner.objects.get({ id: owners[2]!.id })).name).toBe('c');
      await Thing.objects.create({ slug: 'x', big: 1 });
      await Thing.objects.bulkCreate([{ slug: 'x', big: 2 }, { slug: 'y', big: 3 }], { ignoreConflicts: true });
      expect(await Thing.objects.orderBy('slug').valuesList('slug', 'big')).toEqual([['x', 1], ['y', 3]]);
      await Thing.objects.bulkCreate([{ slug: 'x', big: 10 }], { updateConflicts: true, uniqueFields: ['slug'], updateFields: ['big'] });
      expect((await Thing.objects.get({ slug: 'x' })).big).toBe(10);
      await expect(Thing.objects.bulkCreate([{ slug: 'y' }])).rejects.toBeInstanceOf(IntegrityError);
    });

    it('bulkUpdate writes chosen fields of many objects', async () => {
      const owners = await Owner.objects.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ name: `o${i}` })));
      for (const o of owners) o.name = o.name.toUpperCase();
      expect(await Owner.objects.bulkUpdate(owners, ['name'], { batchSize: 2 })).toBe(5);
      expect(await Owner.objects.orderBy('name').valuesList('name', { flat: true })).toEqual(['O0', 'O1', 'O2', 'O3', 'O4']);
      const things = await Thing.objects.bulkCreate([{ slug: 't1' }, { slug: 't2' }]);
      things[0]!.price = '1.50';
      things[0]!.flag = true;
      things[1]!.at = new Date('2020-01-01T00:00:00Z');
      await Thing.objects.bulkUpdate(things, ['price', 'flag', 'at']);
      const back = await Thing.objects.orderBy('slug');
      expect([back[0]!.price, back[0]!.flag, back[1]!.at]).toEqual(['1.50', true, new Date('2020-01-01T00:00:00Z')]);
    });
  });

  describe('field values round-trip', () => {
    it('keeps each type exact on the way in and out', async () => {
      const at = new Date('2024-02-29T23:59:58.123Z');
      const thing = await Thing.objects.create({
        slug: 'all',
        big: 2 ** 40,
        price: '12345.67',
        ratio: 0.25,
        flag: false,
        day: '2024-02-29',
        at,
        data: { a: [1, 'two', null, { b: true }] },
        email: 'x@example.com',
        url: 'https://example.com/a?b=c',
        status: 'p',
        count: 7,
      });
      expect(thing.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(thing.created).toBeInstanceOf(Date);
      const back = await Thing.objects.get({ slug: 'all' });
      expect(back).toMatchObject({ uid: thing.uid, big: 2 ** 40, price: '12345.67', ratio: 0.25, flag: false, day: '2024-02-29', data: { a: [1, 'two', null, { b: true }] }, status: 'p', count: 7 });
      expect(back.at!.toISOString()).toBe(at.toISOString());
      expect(Math.abs(back.created.getTime() - thing.created.getTime())).toBeLessThan(2);
      const nulls = await Thing.objects.create({ slug: 'nulls' });
      const nullsBack = await Thing.objects.get({ id: nulls.id });
      expect([nullsBack.price, nullsBack.ratio, nullsBack.flag, nullsBack.day, nullsBack.at, nullsBack.data]).toEqual([null, null, null, null, null, null]);
      expect((await Thing.objects.get({ uid: thing.uid })).slug).toBe('all');
      // instants before 1970 and in the first century read back exactly too (MySQL's DATETIME starts at year 1000)
      const instants = [['old', '1969-07-20T20:17:40.001Z'], ...(backend === 'mysql' ? [] : [['ancient', '0079-08-24T13:00:00.000Z']])] as const;
      for (const [slug, when] of instants) {
        await Thing.objects.create({ slug, at: new Date(when) });
        expect((await Thing.objects.get({ slug })).at!.toISOString()).toBe(when);
      }
      expect(await Thing.objects.filter({ flag: false }).count()).toBe(1);
      expect(await Thing.objects.filter({ day: '2024-02-29' }).count()).toBe(1);
      expect(await Thing.objects.filter({ at }).count()).toBe(1);
      expect(await Thing.objects.filter({ price: '12345.67' }).count()).toBe(1);
      const before = back.updated;
      await new Promise((r) => setTimeout(r, 5));
      await back.save();
      expect(back.updated.getTime()).toBeGreaterThan(before.getTime());
      expect(backend).toBeDefined();
      expect(db().vendor).toBeDefined();
    });

    it('fullClean() runs the field validators and unique checks, with Django messages', async () => {
      await Thing.objects.create({ slug: 'taken' });
      const bad = new Thing({ slug: 'taken', email: 'nope', url: 'ftp//x', status: 'z' as 'd', price: '123456.789', count: -1 });
      // nullable fields without blank: true are required by fullClean(), as in Django
      const error = await bad.fullClean({ exclude: ['ratio', 'flag', 'day', 'at', 'data'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).messageDict).toEqual({
        email: ['Enter a valid email address.'],
        url: ['Enter a valid URL.'],
        status: ["Value 'z' is not a valid choice."],
        price: ['Ensure that there are no more than 8 digits in total.'],
        count: ['Ensure this value is greater than or equal to 0.'],
        slug: ['Thing with this Slug already exists.'],
      });
      const ok = new Thing({ slug: 'fine-slug', email: 'a@b.co', price: '1.5' });
      await ok.fullClean({ exclude: ['ratio', 'flag', 'day', 'at', 'data'] });
      expect(ok.price).toBe('1.5');
      const slugError = await new Thing({ slug: 'not a slug' }).fullClean({ validateUnique: false, exclude: ['price', 'ratio', 'flag', 'day', 'at', 'data'] }).catch((e: ValidationError) => e.messageDict);
      expect(slugError).toEqual({ slug: ['Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.'] });
      const blank = await new Owner({ name: '' }).fullClean().catch((e: ValidationError) => e.messageDict);
      expect(blank).toEqual({ name: ['This field cannot be blank.'] });
    });

    it("fullClean() runs core's validators and throws core's ValidationError, the one forms catch", async () => {
      expect(ValidationError).toBe(core.ValidationError);
      const Limited = defineModel('w.Limited', { fields: { code: fields.CharField({ maxLength: 10, validators: [new core.MinLengthValidator(3), core.validateSlug] }) } }, createRegistry());
      const error = await new Limited({ code: 'a b' }).fullClean({ validateUnique: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(core.ValidationError);
      expect((error as core.ValidationError).messageDict).toEqual({ code: ['Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.'] });
      const short = await new Limited({ code: 'ab' }).fullClean({ validateUnique: false }).catch((e: core.ValidationError) => e.errorDict!.code!.map((x) => x.code));
      expect(short).toEqual(['min_length']);
    });

    it('raises IntegrityError for a unique violation and a NOT NULL violation', async () => {
      await Thing.objects.create({ slug: 's' });
      await expect(Thing.objects.create({ slug: 's' })).rejects.toBeInstanceOf(IntegrityError);
      await expect(Pet.objects.create({ name: 'orphan' } as never)).rejects.toBeInstanceOf(IntegrityError);
    });
  });
});
