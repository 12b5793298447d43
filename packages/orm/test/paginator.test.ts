import { defineModel, fields } from '../src/index';
import { ELLIPSIS, EmptyPage, InvalidPage, PageNotAnInteger, Paginator } from '../src/paginator';
import { eachBackend } from './support';

describe('Paginator over an array', () => {
  const items = Array.from({ length: 23 }, (_, i) => i + 1);

  it('pages, counts and page objects', async () => {
    const paginator = new Paginator(items, 10);
    expect(await paginator.count()).toBe(23);
    expect(await paginator.numPages()).toBe(3);
    expect(await paginator.pageRange()).toEqual([1, 2, 3]);
    const page = await paginator.page(2);
    expect(page.objectList).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect([page.hasNext(), page.hasPrevious(), page.hasOtherPages(), page.nextPageNumber(), page.previousPageNumber()]).toEqual([true, true, true, 3, 1]);
    expect([page.startIndex(), page.endIndex(), String(page)]).toEqual([11, 20, '<Page 2 of 3>']);
    const last = await paginator.page('3');
    expect([last.objectList, last.hasNext(), last.startIndex(), last.endIndex()]).toEqual([[21, 22, 23], false, 21, 23]);
    expect(() => last.nextPageNumber()).toThrow(new EmptyPage('That page contains no results'));
    expect([...last]).toEqual([21, 22, 23]);
  });

  it('orphans join the last page', async () => {
    const paginator = new Paginator(items, 10, { orphans: 3 });
    expect(await paginator.numPages()).toBe(2);
    expect((await paginator.page(2)).objectList).toHaveLength(13);
  });

  it('rejects bad page numbers with InvalidPage errors; getPage() falls back', async () => {
    const paginator = new Paginator(items, 10);
    await expect(paginator.page('abc')).rejects.toThrow(new PageNotAnInteger('That page number is not an integer'));
    await expect(paginator.page('1.5')).rejects.toBeInstanceOf(PageNotAnInteger);
    await expect(paginator.page(null)).rejects.toBeInstanceOf(InvalidPage);
    await expect(paginator.page(0)).rejects.toThrow(new EmptyPage('That page number is less than 1'));
    await expect(paginator.page(4)).rejects.toThrow(new EmptyPage('That page contains no results'));
    await expect(paginator.page("1' OR 1=1 --")).rejects.toBeInstanceOf(PageNotAnInteger);
    expect((await paginator.getPage('abc')).number).toBe(1);
    expect((await paginator.getPage(99)).number).toBe(3);
    expect((await paginator.getPage(undefined)).number).toBe(1);
    const empty = new Paginator([], 10);
    expect((await empty.page(1)).objectList).toEqual([]);
    expect([(await empty.page(1)).startIndex(), await empty.numPages()]).toEqual([0, 1]);
    await expect(new Paginator([], 10, { allowEmptyFirstPage: false }).page(1)).rejects.toBeInstanceOf(EmptyPage);
    expect(() => new Paginator(items, 0)).toThrow(RangeError);
  });

  it('elides long page ranges like Django', async () => {
    const paginator = new Paginator(Array.from({ length: 500 }), 10);
    expect(await paginator.getElidedPageRange(1)).toEqual([1, 2, 3, 4, ELLIPSIS, 49, 50]);
    expect(await paginator.getElidedPageRange(10)).toEqual([1, 2, ELLIPSIS, 7, 8, 9, 10, 11, 12, 13, ELLIPSIS, 49, 50]);
    expect(await paginator.getElidedPageRange(50, { onEachSide: 1, onEnds: 1 })).toEqual([1, ELLIPSIS, 49, 50]);
    expect(await new Paginator(Array.from({ length: 90 }), 10).getElidedPageRange(5)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

const Item = defineModel('pg.Item', { fields: { n: fields.IntegerField() }, meta: { ordering: ['n'] } });

eachBackend('Paginator over a QuerySet', [Item], () => {
  it('counts and slices in SQL', async () => {
    await Item.objects.bulkCreate(Array.from({ length: 45 }, (_, i) => ({ n: i })));
    const paginator = new Paginator(Item.objects.filter({ n__gte: 5 }), 15);
    expect(await paginator.numPages()).toBe(3);
    const page = await paginator.page(3);
    expect(page.objectList.map((i) => i.n)).toEqual([35, 36, 37, 38, 39, 40, 41, 42, 43, 44]);
    expect(page.endIndex()).toBe(40);
  });

  it('warns about an unordered QuerySet', () => {
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.name);
    process.on('warning', listener);
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(((message: string, type: string) => warnings.push(`${type}: ${message}`)) as never);
    new Paginator(Item.objects.orderBy(), 10);
    new Paginator(Item.objects.all(), 10);
    emit.mockRestore();
    process.off('warning', listener);
    expect(warnings).toEqual(['UnorderedObjectListWarning: Pagination may yield inconsistent results with an unordered object list: pg.Item QuerySet.']);
  });
});
