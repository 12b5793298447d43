import { type AnyModel, apps, type Database, type MigrateArgs } from '@manouche/orm';
import { Permission } from './models';

/** The permissions created for every model (Django's default_permissions). */
export const DEFAULT_PERMISSIONS = ['add', 'change', 'delete', 'view'] as const;

export interface PermissionOptions {
  /** Extra permissions: `[['publish_article', 'Can publish articles']]` (Django's Meta.permissions). */
  permissions?: ReadonlyArray<readonly [codename: string, name: string]>;
  /** Which default permissions to create (default all four). */
  defaultPermissions?: ReadonlyArray<(typeof DEFAULT_PERMISSIONS)[number]>;
}

const options = new WeakMap<AnyModel, PermissionOptions>();

/** Declare a model's custom permissions, or limit its default ones (Django's Meta.permissions / default_permissions). */
export function modelPermissions(model: AnyModel, config: PermissionOptions): void {
  options.set(model, config);
}

/** The permissions a model should have: `[codename, name]`. */
export function permissionsFor(model: AnyModel): Array<[codename: string, name: string]> {
  const meta = model._meta;
  const config = options.get(model) ?? {};
  const name = meta.modelName.toLowerCase();
  const defaults = (config.defaultPermissions ?? DEFAULT_PERMISSIONS).map((action): [string, string] => [`${action}_${name}`, `Can ${action} ${meta.verboseName}`]);
  return [...defaults, ...(config.permissions ?? []).map(([codename, label]): [string, string] => [codename, label])];
}

export interface CreatePermissionsOptions {
  /** The database (or its alias) to create them in (default: the default database). */
  using?: Database | string;
}

/**
 * Django's `create_permissions`: make sure every model has its
 * add/change/delete/view permissions (and its custom ones), creating only
 * the missing rows. Runs by itself after every `manouche migrate` (see
 * createPermissionsAfterMigrate); `manouche createpermissions` runs it on
 * demand, e.g. after createTables(). Resolves to how many were created.
 */
export async function createPermissions(models: readonly AnyModel[] = apps.all().filter((m) => !m._meta.autoCreated), options: CreatePermissionsOptions = {}): Promise<number> {
  const wanted = new Map<string, { name: string; appLabel: string; model: string; codename: string }>();
  for (const model of models) {
    const appLabel = model._meta.appLabel;
    const modelName = model._meta.modelName.toLowerCase();
    for (const [codename, name] of permissionsFor(model)) wanted.set(`${appLabel}.${modelName}.${codename}`, { name: name.slice(0, 255), appLabel, model: modelName, codename });
  }
  if (wanted.size === 0) return 0;
  const objects = options.using === undefined ? Permission.objects.all() : Permission.objects.using(options.using);
  const labels = [...new Set([...wanted.values()].map((p) => p.appLabel))];
  const existing = await objects.filter({ appLabel__in: labels }).valuesList('appLabel', 'model', 'codename');
  for (const [appLabel, model, codename] of existing) wanted.delete(`${appLabel}.${model}.${codename}`);
  if (wanted.size === 0) return 0;
  await objects.bulkCreate([...wanted.values()]);
  return wanted.size;
}

async function hasTable(database: Database, table: string): Promise<boolean> {
  const runner = database.dataSource.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    await runner.release();
  }
}

/**
 * The postMigrate receiver authApp() connects: after each migrate run,
 * create the missing permissions in the database just migrated. A database
 * without the permission table (auth not migrated there, or rolled back
 * with `migrate auth zero`) is left alone, as Django does. Like Django it
 * also runs after `migrate --fake`, for tables that existed already.
 */
export async function createPermissionsAfterMigrate({ database }: Pick<MigrateArgs, 'database'>): Promise<void> {
  if (!(await hasTable(database, Permission._meta.dbTable))) return;
  await createPermissions(undefined, { using: database });
}
