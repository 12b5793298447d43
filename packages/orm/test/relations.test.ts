import { Avg, CASCADE, Count, defineModel, F, FieldError, fields, Max, Min, m2mChanged, Prefetch, Q, RelatedObjectNotLoaded, SET_NULL, Sum } from '../src/index';
import { eachBackend } from './support';

const User = defineModel('rel.User', { fields: { username: fields.CharField({ maxLength: 50, unique: true }) } });
const Profile = defineModel('rel.Profile', {
  fields: {
    user: fields.OneToOneField(() => User, { onDelete: CASCADE, relatedName: 'profile' }),
    city: fields.CharField({ maxLength: 50 }),
  },
});
const Tag = defineModel('rel.Tag', { fields: { name: fields.CharField({ maxLength: 30 }) } });
const Post = defineModel('rel.Post', {
  fields: {
    title: fields.CharField({ maxLength: 100 }),
    author: fields.ForeignKey(() => User, { onDelete: CASCADE, relatedName: 'posts' }),
    reviewer: fields.ForeignKey(() => User, { onDelete: SET_NULL, null: true }),
    score: fields.IntegerField({ default: 0 }),
    tags: fields.ManyToManyField(() => Tag),
  },
  meta: { ordering: ['id'] },
});
const Comment = defineModel('rel.Comment', {
  fields: {
    post: fields.ForeignKey(() => Post, { onDelete: CASCADE, relatedName: 'comments' }),
    author: fields.ForeignKey(() => User, { onDelete: CASCADE, relatedName: 'comments' }),
    text: fields.TextField(),
    parent: fields.ForeignKey('self', { onDelete: CASCADE, null: true, relatedName: 'replies' }),
  },
  meta: { ordering: ['id'] },
});
// an explicit intermediate model with an extra field
const Group = defineModel('rel.Group', {
  fields: {
    name: fields.CharField({ maxLength: 30 }),
    // a string breaks the type cycle Group → Membership → Group
    members: fields.ManyToManyField(() => User, { through: 'rel.Membership', relatedName: 'groups' }),
  },
});
const Membership = defineModel('rel.Membership', {
  fields: {
    group: fields.ForeignKey(() => Group, { onDelete: CASCADE }),
    user: fields.ForeignKey(() => User, { onDelete: CASCADE }),
    role: fields.CharField({ maxLength: 20, default: 'member' }),
  },
  meta: { uniqueTogether: [['group', 'user']] },
});
const Person = defineModel('rel.Person', { fields: { name: fields.CharField({ maxLength: 30 }), friends: fields.ManyToManyField('self', { relatedName: 'friendOf' }) } });

declare module '../src/models/types' {
  interface ReverseRelations {
    'rel.User': { posts: typeof Post; comments: typeof Comment; profile: ReverseOne<typeof Profile>; groups: typeof Group; postSet: typeof Post };
    'rel.Post': { comments: typeof Comment };
    'rel.Tag': { postSet: typeof Post };
    'rel.Comment': { replies: typeof Comment };
    'rel.Person': { friendOf: typeof Person };
  }
}

async function blog() {
  const ann = await User.objects.create({ username: 'ann' });
  const bob = await User.objects.create({ username: 'bob' });
  await Profile.objects.create({ user: ann, city: 'Lyon' });
  const [ts, js, db] = await Tag.objects.bulkCreate([{ name: 'ts' }, { name: 'js' }, { name: 'db' }]);
  const p1 = await Post.objects.create({ title: 'one', author: ann, reviewer: bob, score: 5 });
  const p2 = await Post.objects.create({ title: 'two', author: ann, score: 3 });
  const p3 = await Post.objects.create({ title: 'three', author: bob, score: 8 });
  await p1.tags.add(ts!, js!);
  await p2.tags.add(js!);
  const c1 = await Comment.objects.create({ post: p1, author: bob, text: 'nice' });
  await Comment.objects.create({ post: p1, author: ann, text: 'thanks', parent: c1 });
  await Comment.objects.create({ post: p3, author: ann, text: 'hm' });
  return { ann, bob, ts: ts!, js: js!, db: db!, p1, p2, p3, c1 };
}

eachBackend('relations', [User, Profile, Tag, Post, Comment, Group, Membership, Person], ({ db }) => {
  const queries = async (fn: () => Promise<unknown>): Promise<string[]> => {
    const log: string[] = [];
    const stop = db().observe((q) => log.push(q.sql));
    try {
      await fn();
    } finally {
      stop();
    }
    return log;
  };

  describe('foreign keys and one-to-one', () => {
    it('assigns by object or id, and reads the object once loaded', async () => {
      const { ann, bob, p1 } = await blog();
      const post = await Post.objects.get({ id: p1.id });
      expect(post.authorId).toBe(ann.id);
      expect(() => post.author).toThrow(RelatedObjectNotLoaded);
      expect(() => post.author).toThrow("rel.Post.author is not loaded. Use selectRelated('author') or prefetchRelated('author'), or await obj.related('author').");
      expect((await post.related('author')).username).toBe('ann');
      expect(post.author.username).toBe('ann');
      post.author = bob;
      expect(post.authorId).toBe(bob.id);
      post.authorId = ann.id;
      expect(() => post.author).toThrow(RelatedObjectNotLoaded);
      const p2 = await Post.objects.get({ title: 'two' });
      expect(p2.reviewer).toBeNull();
      expect(await p2.related('reviewer')).toBeNull();
      expect(() => { (post as { author: unknown }).author = 'ann'; }).toThrow(/must be a rel\.User instance/);
    });

    it('selectRelated joins forward relations, nested and nullable ones', async () => {
      await blog();
      let rows: Array<InstanceType<typeof Comment>> = [];
      const log = await queries(async () => {
        rows = await Comment.objects.selectRelated('post__author', 'author', 'parent');
      });
      expect(log).toHaveLength(1);
      expect(rows.map((c) => [c.text, c.post.title, c.post.author.username, c.author.username, c.parent?.text ?? null])).toEqual([
        ['nice', 'one', 'ann', 'bob', null],
        ['thanks', 'one', 'ann', 'ann', 'nice'],
        ['hm', 'three', 'bob', 'ann', null],
      ]);
      const all = await Post.objects.selectRelated();
      expect(all[0]!.author.username).toBe('ann');
      expect(() => all[0]!.reviewer).toThrow(RelatedObjectNotLoaded);
      const users = await User.objects.selectRelated('profile').orderBy('username');
      expect(users.map((u) => u.profile?.city ?? null)).toEqual(['Lyon', null]);
    });

    it('reverse one-to-one and reverse foreign keys', async () => {
      const { ann, bob } = await blog();
      expect((await ann.related('profile'))?.city).toBe('Lyon');
      expect(await bob.related('profile')).toBeNull();
      expect(await ann.posts.count()).toBe(2);
      expect((await ann.posts.filter({ score__gt: 4 })).map((p) => p.title)).toEqual(['one']);
      expect((await bob.postSet.all()).map((p) => p.title)).toEqual(['one']);
      const made = await bob.posts.create({ title: 'new' });
      expect(made.authorId).toBe(bob.id);
      expect(await User.objects.filter({ profile__city: 'Lyon' }).valuesList('username', { flat: true })).toEqual(['ann']);
      await expect(bob.posts.clear()).rejects.toThrow(/posts\.clear\(\) is not available: rel\.Post\.author cannot be null/);
      const p = await Post.objects.get({ title: 'two' });
      await bob.postSet.add(p);
      expect(p.reviewerId).toBe(bob.id);
      expect(await bob.postSet.count()).toBe(2);
      await bob.postSet.remove(p);
      expect(await bob.postSet.count()).toBe(1);
      await bob.postSet.set([p]);
      expect((await bob.postSet.all()).map((x) => x.title)).toEqual(['two']);
      await bob.postSet.clear();
      expect(await Post.objects.filter({ reviewer__isnull: false }).count()).toBe(0);
    });

    it('self-referencing foreign keys', async () => {
      const { c1 } = await blog();
      expect((await c1.replies.all()).map((c) => c.text)).toEqual(['thanks']);
      expect(await Comment.objects.filter({ parent__text: 'nice' }).valuesList('text', { flat: true })).toEqual(['thanks']);
      expect(await Comment.objects.filter({ replies__isnull: true }).count()).toBe(2);
    });
  });

  describe('many-to-many', () => {
    it('add, remove, set, clear with m2mChanged signals', async () => {
      const { p3, ts, js, db: dbTag } = await blog();
      const events: string[] = [];
      const stop = m2mChanged.connect(({ action, pkSet, reverse }) => {
        events.push(`${action}:${pkSet ? [...pkSet].length : '-'}:${reverse}`);
      }, { sender: Post._meta.getField('tags') && (Post._meta.manyToMany[0]!.throughModel as never) });
      await p3.tags.add(ts, js);
      await p3.tags.add(ts);
      expect((await p3.tags.orderBy('name')).map((t) => t.name)).toEqual(['js', 'ts']);
      await p3.tags.remove(js);
      await p3.tags.set([dbTag, ts]);
      expect((await p3.tags.orderBy('name')).map((t) => t.name)).toEqual(['db', 'ts']);
      await ts.postSet.add(await Post.objects.get({ title: 'two' }));
      expect((await ts.postSet.all()).map((p) => p.title)).toEqual(['one', 'two', 'three']);
      await p3.tags.clear();
      expect(await p3.tags.count()).toBe(0);
      stop();
      expect(events).toEqual(['pre_add:2:false', 'post_add:2:false', 'pre_add:0:false', 'post_add:0:false', 'pre_remove:1:false', 'post_remove:1:false', 'pre_add:1:false', 'post_add:1:false', 'pre_add:1:true', 'post_add:1:true', 'pre_clear:-:false', 'post_clear:-:false']);
      const fresh = await Post.objects.create({ title: 'with ids', author: (await User.objects.first())! });
      await fresh.tags.add(ts.id, js.id);
      expect(await fresh.tags.count()).toBe(2);
      await expect(fresh.tags.add(fresh as never)).rejects.toThrow(/takes rel\.Tag objects or their keys; got a rel\.Post/);
    });

    it('explicit through models with extra fields, and self relations', async () => {
      const { ann, bob } = await blog();
      const g = await Group.objects.create({ name: 'admins' });
      await g.members.add(ann, { throughDefaults: { role: 'owner' } });
      await g.members.add(bob);
      expect(await Membership.objects.orderBy('role').valuesList('user__username', 'role')).toEqual([['bob', 'member'], ['ann', 'owner']]);
      expect((await ann.groups.all()).map((x) => x.name)).toEqual(['admins']);
      expect(await Group.objects.filter({ members__username: 'bob' }).count()).toBe(1);
      expect(await User.objects.filter({ groups__name: 'admins' }).count()).toBe(2);
      const [x, y, z] = await Person.objects.bulkCreate([{ name: 'x' }, { name: 'y' }, { name: 'z' }]);
      await x!.friends.add(y!, z!);
      expect((await x!.friends.orderBy('name')).map((p) => p.name)).toEqual(['y', 'z']);
      expect((await y!.friendOf.all()).map((p) => p.name)).toEqual(['x']);
    });

    it('deleting an object removes its many-to-many rows', async () => {
      const { p1 } = await blog();
      const [n, counts] = await p1.delete();
      expect(counts).toEqual({ 'rel.Post': 1, 'rel.Comment': 2, 'rel.Post_tags': 2 });
      expect(n).toBe(5);
    });
  });

  describe('prefetchRelated', () => {
    it('loads each relation with one query, without N+1', async () => {
      await blog();
      let posts: Array<InstanceType<typeof Post>> = [];
      const log = await queries(async () => {
        posts = await Post.objects.prefetchRelated('tags', 'comments__author', 'author');
      });
      expect(log).toHaveLength(5);
      const summary = await Promise.all(
        posts.map(async (p) => [p.title, (await p.tags.all()).map((t) => t.name).sort(), (await p.comments.all()).map((c) => `${c.text}/${c.author.username}`), p.author.username]),
      );
      expect(summary).toEqual([
        ['one', ['js', 'ts'], ['nice/bob', 'thanks/ann'], 'ann'],
        ['two', ['js'], [], 'ann'],
        ['three', [], ['hm/ann'], 'bob'],
      ]);
      const more = await queries(async () => {
        for (const p of posts) await p.comments.all();
      });
      expect(more).toHaveLength(0);
      expect(posts[0]!.comments.cached!.length).toBe(2);
    });

    it('Prefetch with its own queryset and toAttr; reverse many-to-many; forward foreign keys', async () => {
      await blog();
      const users = await User.objects.orderBy('username').prefetchRelated(new Prefetch('posts', { queryset: Post.objects.filter({ score__gt: 4 }).orderBy('-score'), toAttr: 'goodPosts' }), 'groups');
      expect(users.map((u) => (u as unknown as { goodPosts: Array<{ title: string }> }).goodPosts.map((p) => p.title))).toEqual([['one'], ['three']]);
      const tags = await Tag.objects.orderBy('name').prefetchRelated('postSet');
      expect(tags.map((t) => [t.name, t.postSet.cached!.map((p) => p.title)])).toEqual([['db', []], ['js', ['one', 'two']], ['ts', ['one']]]);
      expect(Object.keys(tags[1]!.postSet.cached![0]!)).not.toContain('_prefetchSource');
      await expect(Post.objects.prefetchRelated('nope').fetchAll()).rejects.toThrow(/Cannot find "nope" on rel\.Post for prefetchRelated\(\).*Choices are: .*comments.*tags/);
    });
  });

  describe('aggregate and annotate', () => {
    it('aggregates over the query', async () => {
      await blog();
      expect(await Post.objects.aggregate({ total: Sum('score'), n: Count('id'), avg: Avg('score'), hi: Max('score'), lo: Min('score') })).toEqual({ total: 16, n: 3, avg: 16 / 3, hi: 8, lo: 3 });
      expect(await Post.objects.filter({ score__gt: 100 }).aggregate({ total: Sum('score'), n: Count('id') })).toEqual({ total: null, n: 0 });
      expect(await Post.objects.aggregate({ tagged: Count('tags', { distinct: true }), tags: Count('tags') })).toEqual({ tagged: 2, tags: 3 });
      expect(await Post.objects.orderBy('-score').slice(0, 2).aggregate({ total: Sum('score') })).toEqual({ total: 13 });
    });

    it('annotates rows, filters and orders on annotations (HAVING), with filtered aggregates', async () => {
      await blog();
      const rows = await User.objects.annotate({ numPosts: Count('posts'), best: Max('posts__score') }).orderBy('username').values('username', 'numPosts', 'best');
      expect(rows).toEqual([{ username: 'ann', numPosts: 2, best: 5 }, { username: 'bob', numPosts: 1, best: 8 }]);
      expect(await User.objects.annotate({ n: Count('posts') }).filter({ n__gt: 1 }).valuesList('username', { flat: true })).toEqual(['ann']);
      const ordered = await User.objects.annotate({ n: Count('comments') }).orderBy('-n', 'username');
      expect(ordered.map((u) => [u.username, u.n])).toEqual([['ann', 2], ['bob', 1]]);
      const good = await User.objects.annotate({ good: Count('posts', { filter: Q({ posts__score__gte: 5 }) }) }).orderBy('username').valuesList('username', 'good');
      expect(good).toEqual([['ann', 1], ['bob', 1]]);
      expect(await Post.objects.annotate({ n: Count('comments') }).filter({ n: 0 }).valuesList('title', { flat: true })).toEqual(['two']);
      expect(await User.objects.annotate({ n: Count('posts') }).aggregate({ avg: Avg('n') })).toEqual({ avg: 1.5 });
      expect(await User.objects.annotate({ n: Count('posts') }).count()).toBe(2);
      // a filter before annotate() restricts what is counted; the join is shared
      expect(await User.objects.filter({ posts__score__gt: 4 }).annotate({ n: Count('posts') }).orderBy('username').valuesList('username', 'n')).toEqual([['ann', 1], ['bob', 1]]);
      expect(await Post.objects.values('author__username').annotate({ total: Sum('score') }).orderBy('author__username')).toEqual([{ author__username: 'ann', total: 8 }, { author__username: 'bob', total: 8 }]);
      expect((await Post.objects.annotate({ doubled: F('score').mul(2) }).orderBy('-doubled').first())?.doubled).toBe(16);
      expect(() => User.objects.annotate({ posts: Count('posts') })).toThrow('The annotation "posts" conflicts with a field on rel.User.');
      expect(() => Post.objects.annotate({ title: Count('id') })).toThrow(FieldError);
    });
  });
});
