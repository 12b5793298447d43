import { User, usernameValidator, validatePassword } from '@manouche/auth';
import { defineForm, fields, PasswordInput, Textarea, ValidationError } from '@manouche/forms';
import { modelForm } from '@manouche/forms/orm';
import { Article } from './models';

export const CommentForm = defineForm({
  body: fields.CharField({ label: 'Your comment', widget: Textarea, maxLength: 3000, minLength: 2 }),
});

/** Pictures browsers show everywhere; the bytes decide, not the name or the declared type. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * An article as its author edits it. The slug, the author and the status
 * are set by the views; the picture goes to the media storage and its name
 * to `Article.image`; tags are typed as a comma-separated list.
 */
export const ArticleForm = modelForm(Article, {
  fields: ['title', 'section', 'lead', 'body'],
  widgets: { lead: Textarea },
  helpTexts: { lead: 'One or two sentences shown on the front page.' },
  declared: {
    tagNames: fields.CharField({ required: false, label: 'Tags', maxLength: 300, helpText: 'Separated by commas: Climate, Data.' }),
    image: fields.ImageField({ required: false, maxSize: MAX_IMAGE_BYTES, contentTypes: IMAGE_TYPES, helpText: 'PNG, JPEG, GIF or WebP, up to 5 MB.' }),
  },
});

/** `"Climate,  data , Climate"` → `['Climate', 'data']` (first spelling wins, case-insensitively). */
export function parseTagNames(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim().replace(/\s+/g, ' ').slice(0, 50);
    if (name && !seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      out.push(name);
    }
  }
  return out;
}

/** Django's UserCreationForm: a unique username, an email address, a password checked by the validators, twice. */
export const SignupForm = defineForm(
  {
    username: fields.CharField({ maxLength: 150, validators: [usernameValidator], helpText: '150 characters or fewer. Letters, digits and @/./+/-/_ only.' }),
    email: fields.EmailField({ maxLength: 254 }),
    password1: fields.CharField({ label: 'Password', widget: PasswordInput, strip: false }),
    password2: fields.CharField({ label: 'Password confirmation', widget: PasswordInput, strip: false, helpText: 'Enter the same password as before, for verification.' }),
  },
  {
    async clean(data) {
      const { username, email, password1, password2 } = data;
      if (username && (await User.objects.filter({ username__iexact: User.normalizeUsername(username) }).exists())) {
        this.addError('username', 'A user with that username already exists.');
      }
      if (password1 && password2 && password1 !== password2) {
        this.addError('password2', 'The two password fields didn’t match.');
      } else if (password2) {
        try {
          validatePassword(password2, { username: username ?? '', email: email ?? '' });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          this.addError('password2', error);
        }
      }
    },
  },
);

/** What a reader may change about themselves on the profile page. */
export const ProfileForm = modelForm(User, { fields: ['firstName', 'lastName', 'email'] });

/** The same for an author, who also has a bio. */
export const AuthorProfileForm = modelForm(User, {
  fields: ['firstName', 'lastName', 'email'],
  declared: { bio: fields.CharField({ required: false, widget: Textarea, maxLength: 2000, label: 'Author bio', helpText: 'Shown on your author page.' }) },
});
