import { createPermissions, getRandomString, Group, Permission, User } from '@manouche/auth';
import { CommandError, defineCommand } from '@manouche/core';
import { atomic } from '@manouche/orm';
import { filters } from '@manouche/templates';
import { Article, Author, Comment, Section, Tag } from './models';

/** Group names and what their members may do (see permissions.ts). */
export const GROUPS = {
  Authors: ['news.add_article', 'news.change_article', 'news.delete_article', 'news.view_article'],
  Editors: [
    'news.add_article',
    'news.change_article',
    'news.delete_article',
    'news.view_article',
    'news.edit_any_article',
    'news.publish_article',
    'news.change_comment',
    'news.delete_comment',
    'news.add_tag',
  ],
} as const;

/** The Authors and Editors groups with their permissions (creating the permission rows first). */
export async function ensureGroups(): Promise<Record<keyof typeof GROUPS, InstanceType<typeof Group>>> {
  await createPermissions();
  const out = {} as Record<keyof typeof GROUPS, InstanceType<typeof Group>>;
  for (const [name, perms] of Object.entries(GROUPS) as Array<[keyof typeof GROUPS, readonly string[]]>) {
    const [group] = await Group.objects.getOrCreate({ name });
    const codenames = perms.map((p) => p.split('.')[1]!);
    const rows = await Permission.objects.filter({ appLabel: 'news', codename__in: codenames });
    if (rows.length !== codenames.length) throw new Error(`Missing permissions for ${name}: ${codenames.filter((c) => !rows.some((r) => r.codename === c)).join(', ')}`);
    await group.permissions.set(rows);
    out[name] = group;
  }
  return out;
}

/** A small deterministic random generator (mulberry32), so every demo database is the same. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { next, pick, int };
}

const SECTIONS = [
  { name: 'World', description: 'News from every continent.' },
  { name: 'Politics', description: 'Parliaments, elections and the people in them.' },
  { name: 'Technology', description: 'Software, hardware and the companies behind them.' },
  { name: 'Culture', description: 'Books, music, film and the arts.' },
  { name: 'Sport', description: 'Results, transfers and the stories behind them.' },
];

const TOPICS: Record<string, readonly string[]> = {
  World: ['Harbour cities', 'River delta farmers', 'Island nations', 'Mountain villages', 'Border towns'],
  Politics: ['The coalition', 'City council', 'The opposition', 'Senate committee', 'Regional assembly'],
  Technology: ['Open-source maintainers', 'Chip makers', 'Database engineers', 'Start-up founders', 'Browser vendors'],
  Culture: ['Jazz manouche guitarists', 'Independent publishers', 'Street photographers', 'Festival organisers', 'Film archivists'],
  Sport: ['The national team', 'Marathon runners', 'Cycling clubs', 'Chess grandmasters', 'Sailing crews'],
};
const VERBS = ['weigh', 'welcome', 'question', 'rethink', 'celebrate', 'debate', 'embrace', 'challenge', 'survey', 'prepare for'];
const OBJECTS = ['a quieter summer', 'new rules on data', 'the cost of energy', 'a record season', 'an uncertain future', 'the return of old habits', 'a long-awaited reform', 'rising rents', 'a surprise result', 'the next generation'];
const TAGS = ['Analysis', 'Interview', 'Climate', 'Economy', 'Open source', 'Elections', 'Music', 'Football', 'Science', 'Opinion', 'Europe', 'Data'];
const AUTHORS = [
  { username: 'django', firstName: 'Django', lastName: 'Reinhardt', bio: 'Covers culture and the people who make it.' },
  { username: 'stephane', firstName: 'Stéphane', lastName: 'Grappelli', bio: 'Political correspondent.' },
  { username: 'bireli', firstName: 'Biréli', lastName: 'Lagrène', bio: 'Technology and science desk.' },
  { username: 'tchavolo', firstName: 'Tchavolo', lastName: 'Schmitt', bio: 'Sport and the outdoors.' },
];
const READERS = ['ann', 'bob', 'chloe', 'dmitri', 'esther'];
const SENTENCES = [
  'Nobody expected the change to come this quickly.',
  'Officials said the details would be published next week.',
  'Local residents have mixed feelings about what comes next.',
  'The figures, released on Monday, tell a more complicated story.',
  'Critics argue the plan leaves too many questions unanswered.',
  'Supporters say it is the first serious attempt in a decade.',
  'For now, the mood is cautiously optimistic.',
  'Experts warn that the effects will take years to measure.',
  'The debate is likely to continue well into the autumn.',
  'Several people we spoke to asked not to be named.',
];
const COMMENTS = ['Great piece, thank you.', 'I am not convinced by the second half.', 'This matches what I see where I live.', 'Could you follow up on this next month?', 'Well researched, as always.', 'The headline oversells it a little.'];

export interface DemoSummary {
  staffUsername: string;
  staffPassword: string;
  articles: number;
  comments: number;
}

/** Is there anything in the database already? (The demo loads into an empty one only.) */
export async function hasContent(): Promise<boolean> {
  return (await Article.objects.exists()) || (await Section.objects.exists());
}

/**
 * Fill an empty database with the demo: five sections, four authors, fifty
 * articles (forty-five published), comments, the Authors and Editors groups,
 * and a staff editor whose random password is returned (and printed once).
 */
export async function loadDemo(options: { now?: Date; articles?: number } = {}): Promise<DemoSummary> {
  const now = options.now ?? new Date();
  const total = options.articles ?? 50;
  const random = generator(20240611);
  const groups = await ensureGroups();
  const staffPassword = getRandomString(20);
  return atomic(async () => {
    const sections = await Section.objects.bulkCreate(SECTIONS.map((s) => ({ ...s, slug: String(filters.slugify(s.name)) })));
    const tags = await Tag.objects.bulkCreate(TAGS.map((name) => ({ name, slug: String(filters.slugify(name)) })));
    const authors = [];
    for (const a of AUTHORS) {
      // bylines only: they cannot log in until someone sets their password
      const user = await User.objects.createUser(a.username, `${a.username}@newsroom.example`, null, { firstName: a.firstName, lastName: a.lastName, isStaff: true });
      await user.groups.add(groups.Authors);
      authors.push(await Author.objects.create({ user, slug: a.username, bio: a.bio }));
    }
    const editor = await User.objects.createUser('editor', 'editor@newsroom.example', staffPassword, { firstName: 'Ella', lastName: 'Editor', isStaff: true });
    await editor.groups.add(groups.Editors);
    authors.push(await Author.objects.create({ user: editor, slug: 'editor', bio: 'Editor in chief.' }));
    const readers = [];
    for (const username of READERS) readers.push(await User.objects.createUser(username, `${username}@example.com`, null));

    let comments = 0;
    const usedSlugs = new Set<string>();
    for (let i = 0; i < total; i++) {
      const section = sections[i % sections.length]!;
      const title = `${random.pick(TOPICS[section.name]!)} ${random.pick(VERBS)} ${random.pick(OBJECTS)}`;
      let slug = String(filters.slugify(title));
      for (let n = 2; usedSlugs.has(slug); n++) slug = `${String(filters.slugify(title))}-${n}`;
      usedSlugs.add(slug);
      const paragraphs = Array.from({ length: random.int(3, 6) }, () => Array.from({ length: random.int(3, 5) }, () => random.pick(SENTENCES)).join(' '));
      const published = i % 10 !== 9; // every tenth article is still a draft
      const article = await Article.objects.create({
        title,
        slug,
        section,
        author: random.pick(authors.slice(0, AUTHORS.length)),
        lead: paragraphs[0]!,
        body: paragraphs.join('\n\n'),
        status: published ? 'published' : 'draft',
        // one a day, the newest yesterday
        publishedAt: published ? new Date(now.getTime() - (i + 1) * 86_400_000 + random.int(0, 36_000) * 1000) : null,
      });
      await article.tags.set([random.pick(tags), random.pick(tags)].filter((t, n, all) => all.indexOf(t) === n));
      if (published) {
        const count = random.int(0, 4);
        for (let c = 0; c < count; c++) await Comment.objects.create({ article, user: random.pick(readers), body: random.pick(COMMENTS) });
        comments += count;
      }
    }
    return { staffUsername: 'editor', staffPassword, articles: total, comments };
  });
}

/** `manouche loaddemo [--if-empty]`: load the demo data; print the staff login once. */
export const loaddemoCommand = defineCommand({
  name: 'loaddemo',
  help: 'Load the demo newsroom (sections, authors, 50 articles, comments, groups, a staff editor) into an empty database.',
  options: [{ name: 'if-empty', type: 'boolean', help: 'Do nothing (successfully) when the database already has content' }],
  async run({ app, options, stdout }) {
    await app.ready();
    if (await hasContent()) {
      if (options['if-empty']) {
        stdout.write('The database already has content: keeping it (demo data not loaded).\n');
        return 0;
      }
      throw new CommandError('The database already has content; loaddemo only fills an empty database (use --if-empty to skip quietly).');
    }
    const summary = await loadDemo();
    stdout.write(
      `Loaded the demo: ${summary.articles} articles, ${summary.comments} comments.\n\n` +
        `  Staff login (shown only this once): ${summary.staffUsername} / ${summary.staffPassword}\n` +
        `  Change it at /accounts/password_change/ after logging in.\n\n`,
    );
    return 0;
  },
});
