import { Http404 } from '@manouche/core';
import {
  CASCADE,
  defineModel,
  fields,
  IntegrityError,
  NPlusOneError,
  postDelete,
  postSave,
  preDelete,
  preSave,
  setStrictNPlusOne,
  TransactionManagementError,
} from '../src/index';
import { getListOr404, getObjectOr404 } from '../src/shortcuts';
import { assertNumQueries, captureQueries, QueryCountError } from '../src/testing/index';
import { atomic, inAtomicBlock, onCommit, setRollback } from '../src/transaction';
import { eachBackend } from './support';

const Account = defineModel('tx.Account', {
  fields: { name: fields.CharField({ maxLength: 30, unique: true }), balance: fields.IntegerField({ default: 0 }) },
  meta: { ordering: ['name'] },
});
const Entry = defineModel('tx.Entry', {
  fields: { account: fields.ForeignKey(() => Account, { onDelete: CASCADE, relatedName: 'entries' }), amount: fields.IntegerField() },
  meta: { ordering: ['id'] },
});

declare module '../src/models/types' {
  interface ReverseRelations {
    'tx.Account': { entries: typeof Entry };
  }
}

const names = async () => (await Account.objects.valuesList('name', { flat: true })) as string[];

eachBackend('transactions and friends', [Account, Entry], ({ db, backend }) => {
  describe('atomic()', () => {
    it('commits on success and rolls back on error', async () => {
      await atomic(async () => {
        await Account.objects.create({ name: 'a' });
        expect(inAtomicBlock()).toBe(true);
      });
      expect(inAtomicBlock()).toBe(false);
      await expect(
        atomic(async () => {
          await Account.objects.create({ name: 'b' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await names()).toEqual(['a']);
    });

    it('nested blocks use savepoints: an inner failure caught outside undoes only the inner block', async () => {
      await atomic(async () => {
        await Account.objects.create({ name: 'outer' });
        await atomic(async () => {
          await Account.objects.create({ name: 'inner-kept' });
        });
        await expect(
          atomic(async () => {
            await Account.objects.create({ name: 'inner-lost' });
            await Account.objects.create({ name: 'outer' });
          }),
        ).rejects.toBeInstanceOf(IntegrityError);
        await Account.objects.create({ name: 'after' });
      });
      expect(await names()).toEqual(['after', 'inner-kept', 'outer']);
    });

    it('onCommit runs after the outermost commit, never after a rollback', async () => {
      const calls: string[] = [];
      await atomic(async () => {
        onCommit(() => calls.push('outer'));
        await atomic(async () => {
          onCommit(() => calls.push('inner'));
        });
        await atomic(async () => {
          onCommit(() => calls.push('rolled-back'));
          throw new Error('x');
        }).catch(() => undefined);
        expect(calls).toEqual([]);
      });
      expect(calls).toEqual(['outer', 'inner']);
      await atomic(async () => {
        onCommit(() => calls.push('never'));
        throw new Error('y');
      }).catch(() => undefined);
      await onCommit(() => calls.push('immediate'));
      expect(calls).toEqual(['outer', 'inner', 'immediate']);
    });

    it('setRollback() and durable blocks', async () => {
      await atomic(async () => {
        await Account.objects.create({ name: 'temp' });
        setRollback(true);
      });
      expect(await names()).toEqual([]);
      await expect(atomic(() => atomic(async () => 1, { durable: true }))).rejects.toBeInstanceOf(TransactionManagementError);
      expect(() => setRollback(true)).toThrow(TransactionManagementError);
    });

    it('keeps concurrent work outside the transaction out of it', async () => {
      await Account.objects.create({ name: 'x', balance: 1 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = atomic(async () => {
        await Account.objects.filter({ name: 'x' }).update({ balance: 2 });
        await gate;
        throw new Error('rollback');
      }).catch(() => 'rolled back');
      // another request creates a row while the transaction is open
      const other = Account.objects.create({ name: 'other' });
      await new Promise((r) => setTimeout(r, 20));
      release();
      expect(await tx).toBe('rolled back');
      await other;
      expect(await Account.objects.orderBy('name').valuesList('name', 'balance')).toEqual([['other', 0], ['x', 1]]);
    });

    it('runs atomic blocks started at the same moment one after the other, each committing its own work', async () => {
      const results = await Promise.all(
        ['p', 'q', 'r', 's'].map((name, i) =>
          atomic(async () => {
            const account = await Account.objects.create({ name, balance: i });
            await Entry.objects.create({ account, amount: i });
            if (name === 'r') throw new Error('r rolls back');
            return name;
          }).catch((error: Error) => error.message),
        ),
      );
      expect(results).toEqual(['p', 'q', 'r rolls back', 's']);
      expect(await names()).toEqual(['p', 'q', 's']);
      expect(await Entry.objects.count()).toBe(3);
    });

    it('selectForUpdate locks rows inside a transaction', async () => {
      const acc = await Account.objects.create({ name: 'lock', balance: 10 });
      const result = await atomic(async () => {
        const locked = await Account.objects.selectForUpdate().get({ id: acc.id });
        locked.balance -= 3;
        await locked.save();
        return locked.balance;
      });
      expect(result).toBe(7);
      const sql = Account.objects.selectForUpdate({ skipLocked: true }).sql().sql;
      expect(sql.endsWith(backend === 'sqlite' ? 'ORDER BY "tx_account"."name" ASC' : 'FOR UPDATE SKIP LOCKED')).toBe(true);
    });
  });

  describe('signals', () => {
    it('preSave/postSave (with created) and preDelete/postDelete, per sender', async () => {
      const events: string[] = [];
      const stops = [
        preSave.connect(({ instance }) => void events.push(`preSave:${instance.name}`), { sender: Account }),
        postSave.connect(({ instance, created }) => void events.push(`postSave:${instance.name}:${created}`), { sender: Account }),
        preDelete.connect(({ instance }) => void events.push(`preDelete:${instance.amount ?? instance.name}`)),
        postDelete.connect(({ instance }) => void events.push(`postDelete:${instance.amount ?? instance.name}`), { sender: Entry }),
      ];
      const acc = await Account.objects.create({ name: 'sig' });
      acc.balance = 5;
      await acc.save();
      await Entry.objects.create({ account: acc, amount: 7 });
      await acc.delete();
      stops.forEach((stop) => stop());
      expect(events).toEqual(['preSave:sig', 'postSave:sig:true', 'preSave:sig', 'postSave:sig:false', 'preDelete:sig', 'preDelete:7', 'postDelete:7']);
    });
  });

  describe('raw SQL', () => {
    it('Manager.raw() maps rows to instances with %s parameters', async () => {
      await Account.objects.bulkCreate([{ name: 'r1', balance: 5 }, { name: 'r2', balance: 50 }]);
      const q = db().dialect.quote;
      const rows = await Account.objects.raw(`SELECT id, name, balance, balance * 2 AS doubled FROM ${q('tx_account')} WHERE balance > %s ORDER BY name`, [10]);
      expect(rows.map((a) => [a.name, a.balance, (a as unknown as { doubled: number }).doubled])).toEqual([['r2', 50, 100]]);
      rows[0]!.balance = 51;
      await rows[0]!.save();
      expect((await Account.objects.get({ name: 'r2' })).balance).toBe(51);
      await expect(Account.objects.raw(`SELECT name FROM ${q('tx_account')}`).then((r) => r)).rejects.toThrow(/must select the primary key column "id"/);
      await expect(Account.objects.raw('SELECT %s', []).then((r) => r)).rejects.toThrow('The SQL has 1 %s placeholder(s) but 0 parameter(s) were given.');
    });

    it('a cursor for the rest', async () => {
      await Account.objects.create({ name: 'c', balance: 3 });
      const cursor = await db().cursor().execute(`SELECT name, balance FROM ${db().dialect.quote('tx_account')} WHERE name = %s AND balance >= %s`, ['c', 1]);
      expect(cursor.description).toEqual(['name', 'balance']);
      expect(cursor.fetchOne()).toEqual(['c', 3]);
      expect(cursor.fetchOne()).toBeNull();
      const update = await db().cursor().execute(`UPDATE ${db().dialect.quote('tx_account')} SET balance = balance + %s`, [1]);
      expect(update.rowCount).toBe(1);
      expect(await db().cursor().execute('SELECT 1 + %s AS n', [1]).then((c) => c.fetchAllObjects().map((r) => Number(r.n)))).toEqual([2]);
    });
  });

  describe('query counting and N+1', () => {
    it('assertNumQueries counts and lists the queries', async () => {
      const acc = await Account.objects.create({ name: 'n' });
      await Entry.objects.bulkCreate([{ account: acc, amount: 1 }, { account: acc, amount: 2 }]);
      await assertNumQueries(2, () => Account.objects.prefetchRelated('entries'));
      const error = await assertNumQueries(1, async () => {
        for (const e of await Entry.objects.all()) await e.related('account');
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryCountError);
      expect((error as Error).message).toMatch(/^3 != 1 : 3 queries executed, 1 expected\nCaptured queries were:\n1\. SELECT/);
      const { queries } = await captureQueries(() => Entry.objects.selectRelated('account').fetchAll());
      expect(queries).toHaveLength(1);
    });

    it('strict mode raises on a lazy load inside a loop, naming the queries', async () => {
      const acc = await Account.objects.create({ name: 'strict' });
      await Entry.objects.bulkCreate([{ account: acc, amount: 1 }, { account: acc, amount: 2 }]);
      setStrictNPlusOne(true);
      try {
        const entries = await Entry.objects.all();
        const error = await entries[0]!.related('account').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NPlusOneError);
        expect((error as Error).message).toMatch(/^N\+1 query: tx\.Entry\.account was loaded lazily for one of 2 tx\.Entry objects fetched by «SELECT .*tx_entry.*»\. Each object would run «SELECT .*tx_account.*»\. Use selectRelated\('account'\) or prefetchRelated\('account'\) on the first query\.$/);
        const accounts = await Account.objects.all();
        expect(accounts).toHaveLength(1);
        // one object alone is not a loop
        expect(await accounts[0]!.entries.count()).toBe(2);
        const two = await Account.objects.bulkCreate([{ name: 'other' }]).then(() => Account.objects.all());
        await expect(two[0]!.entries.all().fetchAll()).rejects.toBeInstanceOf(NPlusOneError);
        // loading it up front is fine
        const fine = await Entry.objects.selectRelated('account');
        expect(fine.map((e) => e.account.name)).toEqual(['strict', 'strict']);
        const single = await Entry.objects.get({ amount: 1 });
        expect((await single.related('account')).name).toBe('strict');
      } finally {
        setStrictNPlusOne(false);
      }
    });

    it('the DEBUG query log records SQL, parameters and time', async () => {
      db().debug = true;
      db().queries.length = 0;
      await Account.objects.filter({ name: 'log' }).exists();
      db().debug = false;
      expect(db().queries).toHaveLength(1);
      expect(db().queries[0]!.params[0]).toBe('log');
      expect(db().queries[0]!.time).toBeGreaterThanOrEqual(0);
    });
  });

  describe('shortcuts', () => {
    it('getObjectOr404 / getListOr404 raise core Http404', async () => {
      const acc = await Account.objects.create({ name: 'here' });
      expect((await getObjectOr404(Account, { name: 'here' })).id).toBe(acc.id);
      expect((await getObjectOr404(Account.objects.filter({ balance: 0 }), { pk: acc.id })).name).toBe('here');
      await expect(getObjectOr404(Account, { name: 'nope' })).rejects.toThrow(new Http404('No Account matches the given query.'));
      expect(await getListOr404(Account.objects, { name: 'here' })).toHaveLength(1);
      await expect(getListOr404(Account, { name: 'nope' })).rejects.toBeInstanceOf(Http404);
    });
  });
});
