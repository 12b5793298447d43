import { type AnonymousUser, type AuthUser, modelPermissions } from '@manouche/auth';
import { PermissionDenied } from '@manouche/core';
import { Article } from './models';

/**
 * Who may do what in the newsroom, through permissions (given to the
 * Authors and Editors groups by the demo data):
 *
 * - `news.add_article`, `news.change_article`, `news.delete_article`: write,
 *   edit and delete one's own articles;
 * - `news.edit_any_article`: the same on everybody's (editors);
 * - `news.publish_article`: publish and unpublish (editors);
 * - `news.change_comment`: moderate comments (editors).
 */
export const CUSTOM_ARTICLE_PERMISSIONS = [
  ['publish_article', 'Can publish and unpublish articles'],
  ['edit_any_article', 'Can edit and delete articles by any author'],
] as const;

export function connectPermissions(): void {
  modelPermissions(Article, { permissions: CUSTOM_ARTICLE_PERMISSIONS });
}

type User = AuthUser | AnonymousUser;

/** The author of the article in question: whose it is. */
export interface Byline {
  userId: unknown;
}

async function ownsOrAny(user: User, author: Byline): Promise<boolean> {
  return author.userId === (user as AuthUser).pk || (await user.hasPerm('news.edit_any_article'));
}

export async function canWrite(user: User): Promise<boolean> {
  return user.isAuthenticated && (await user.hasPerm('news.add_article'));
}

export async function canEdit(user: User, author: Byline): Promise<boolean> {
  return user.isAuthenticated && (await user.hasPerm('news.change_article')) && (await ownsOrAny(user, author));
}

export async function canDelete(user: User, author: Byline): Promise<boolean> {
  return user.isAuthenticated && (await user.hasPerm('news.delete_article')) && (await ownsOrAny(user, author));
}

export async function canPublish(user: User, author: Byline): Promise<boolean> {
  return (await canEdit(user, author)) && (await user.hasPerm('news.publish_article'));
}

export async function canModerate(user: User): Promise<boolean> {
  return user.isAuthenticated && (await user.hasPerm('news.change_comment'));
}

/** Throw PermissionDenied (a 403) unless `allowed`. */
export function denyUnless(allowed: boolean, action: string): void {
  if (!allowed) throw new PermissionDenied(`You may not ${action}.`);
}
