import { type AnyModel } from '@manouche/orm';
import { filters } from '@manouche/templates';

/**
 * A slug for `text` that no other row of `model` uses (`budget-vote`,
 * `budget-vote-2`…), skipping the row being edited.
 */
export async function uniqueSlug(model: AnyModel, text: string, exceptPk?: unknown): Promise<string> {
  const base = String(filters.slugify(text)).slice(0, 180) || 'item';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    let taken = model.objects.filter({ slug } as never);
    if (exceptPk !== undefined && exceptPk !== null) taken = taken.exclude({ pk: exceptPk } as never);
    if (!(await taken.exists())) return slug;
  }
}
