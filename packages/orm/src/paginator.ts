import { QUERY_STATE } from './query/build';
import type { QueryState } from './query/nodes';

/** Base of the pagination errors (Django's InvalidPage). */
export class InvalidPage extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class PageNotAnInteger extends InvalidPage {}
export class EmptyPage extends InvalidPage {}

/** What can be paginated: a QuerySet (counted and sliced in SQL) or an array. */
export interface Paginatable<T> {
  count(): Promise<number>;
  slice(start: number, end?: number): PromiseLike<T[]>;
}

type Source<T> = Paginatable<T> | readonly T[];

/** The marker `getElidedPageRange()` puts where pages are left out. */
export const ELLIPSIS = '…';

/** One page: its objects and where it sits (Django's Page). */
export class Page<T> {
  constructor(
    readonly objectList: T[],
    readonly number: number,
    readonly paginator: Paginator<T>,
    private readonly total: number,
    private readonly pages: number,
  ) {}

  get length(): number {
    return this.objectList.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.objectList[Symbol.iterator]();
  }

  hasNext(): boolean {
    return this.number < this.pages;
  }

  hasPrevious(): boolean {
    return this.number > 1;
  }

  hasOtherPages(): boolean {
    return this.hasPrevious() || this.hasNext();
  }

  nextPageNumber(): number {
    return this.paginator.validateNumber(this.number + 1, this.pages);
  }

  previousPageNumber(): number {
    return this.paginator.validateNumber(this.number - 1, this.pages);
  }

  /** 1-based index of the first object on the page (0 when there are none). */
  startIndex(): number {
    if (this.total === 0) return 0;
    return this.paginator.perPage * (this.number - 1) + 1;
  }

  /** 1-based index of the last object on the page. */
  endIndex(): number {
    if (this.number === this.pages) return this.total;
    return this.number * this.paginator.perPage;
  }

  toString(): string {
    return `<Page ${this.number} of ${this.pages}>`;
  }
}

export interface PaginatorOptions {
  /** Fold a last page this small (or smaller) into the previous one. */
  orphans?: number;
  /** Allow page 1 of an empty list (default true). */
  allowEmptyFirstPage?: boolean;
}

/**
 * Django's Paginator over a QuerySet (COUNT and LIMIT/OFFSET in SQL) or an array.
 *
 * ```ts
 * const paginator = new Paginator(Article.objects.orderBy('-publishedAt'), 20);
 * const page = await paginator.getPage(request.query.get('page'));
 * page.objectList; page.hasNext(); await paginator.getElidedPageRange(page.number);
 * ```
 */
export class Paginator<T> {
  readonly perPage: number;
  readonly orphans: number;
  readonly allowEmptyFirstPage: boolean;
  private counted: Promise<number> | undefined;

  constructor(
    readonly objectList: Source<T>,
    perPage: number,
    options: PaginatorOptions = {},
  ) {
    if (!Number.isSafeInteger(perPage) || perPage < 1) throw new RangeError(`perPage must be a positive integer; got ${JSON.stringify(perPage)}.`);
    this.perPage = perPage;
    this.orphans = options.orphans ?? 0;
    this.allowEmptyFirstPage = options.allowEmptyFirstPage ?? true;
    this.warnIfUnordered();
  }

  private warnIfUnordered(): void {
    const state = (this.objectList as { [QUERY_STATE]?: QueryState })[QUERY_STATE];
    if (!state) return;
    const ordered = state.order !== null ? state.order.length > 0 : state.model._meta.ordering.length > 0;
    if (!ordered) {
      process.emitWarning(`Pagination may yield inconsistent results with an unordered object list: ${state.model._meta.label} QuerySet.`, 'UnorderedObjectListWarning');
    }
  }

  /** Total number of objects (one COUNT query, cached). */
  count(): Promise<number> {
    this.counted ??= Array.isArray(this.objectList) ? Promise.resolve(this.objectList.length) : (this.objectList as Paginatable<T>).count();
    return this.counted;
  }

  private pagesFor(count: number): number {
    if (count === 0 && !this.allowEmptyFirstPage) return 0;
    const hits = Math.max(1, count - this.orphans);
    return Math.ceil(hits / this.perPage);
  }

  async numPages(): Promise<number> {
    return this.pagesFor(await this.count());
  }

  /** `[1, 2, …, numPages]`. */
  async pageRange(): Promise<number[]> {
    const pages = await this.numPages();
    return Array.from({ length: pages }, (_, i) => i + 1);
  }

  /** Check a page number (a number or a string from the query string); throws PageNotAnInteger / EmptyPage. */
  validateNumber(input: unknown, pages?: number): number {
    let n: number;
    if (typeof input === 'number') n = input;
    else if (typeof input === 'string' && /^\s*[-+]?\d+(\.0*)?\s*$/.test(input)) n = Number(input);
    else throw new PageNotAnInteger('That page number is not an integer');
    if (!Number.isInteger(n)) throw new PageNotAnInteger('That page number is not an integer');
    if (n < 1) throw new EmptyPage('That page number is less than 1');
    if (pages !== undefined && n > pages && !(n === 1 && this.allowEmptyFirstPage)) throw new EmptyPage('That page contains no results');
    return n;
  }

  /** Page `number`; throws PageNotAnInteger or EmptyPage for bad input. */
  async page(number: unknown): Promise<Page<T>> {
    const count = await this.count();
    const pages = this.pagesFor(count);
    const n = this.validateNumber(number, pages);
    const bottom = (n - 1) * this.perPage;
    let top = bottom + this.perPage;
    if (top + this.orphans >= count) top = count;
    const objects = Array.isArray(this.objectList) ? this.objectList.slice(bottom, top) : await (this.objectList as Paginatable<T>).slice(bottom, top);
    return new Page([...objects], n, this, count, pages);
  }

  /** Like page(), but never throws: a bad number gives page 1, one past the end the last page. */
  async getPage(number: unknown): Promise<Page<T>> {
    try {
      return await this.page(number ?? 1);
    } catch (error) {
      if (error instanceof PageNotAnInteger) return this.page(1);
      if (error instanceof EmptyPage) return this.page(Math.max(1, await this.numPages()));
      throw error;
    }
  }

  /**
   * Page numbers around `number` with `…` for the gaps (Django's
   * get_elided_page_range): `[1, 2, '…', 7, 8, 9, 10, 11, '…', 49, 50]`.
   */
  async getElidedPageRange(number: unknown = 1, options: { onEachSide?: number; onEnds?: number } = {}): Promise<Array<number | typeof ELLIPSIS>> {
    const onEachSide = options.onEachSide ?? 3;
    const onEnds = options.onEnds ?? 2;
    const pages = await this.numPages();
    const n = this.validateNumber(number, pages);
    const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    if (pages <= (onEachSide + onEnds) * 2) return range(1, pages);
    const out: Array<number | typeof ELLIPSIS> = [];
    if (n > 1 + onEachSide + onEnds + 1) {
      out.push(...range(1, onEnds), ELLIPSIS, ...range(n - onEachSide, n));
    } else {
      out.push(...range(1, n));
    }
    if (n < pages - onEachSide - onEnds - 1) {
      out.push(...range(n + 1, n + onEachSide), ELLIPSIS, ...range(pages - onEnds + 1, pages));
    } else {
      out.push(...range(n + 1, pages));
    }
    return out;
  }
}
