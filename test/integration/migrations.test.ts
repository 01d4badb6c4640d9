import { expect } from 'chai';
import { dropDatabase, ensureDatabase } from '../../shared/db/ensure-database.ts';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { migrateLatest, rollbackAll } from '../../shared/db/migrations.ts';
import { testDatabaseUrl } from '../support/config.ts';

describe('migrations', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname += '_migrations';
  let db: Db;

  before(async () => {
    await ensureDatabase(url.toString());
    db = createDb({ url: url.toString(), poolMax: 2 });
  });
  after(async () => {
    await db.destroy();
    await dropDatabase(url.toString());
  });

  const tables = async () =>
    (await db.raw(`select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%' order by 1`)).rows.map(
      (r: { tablename: string }) => r.tablename,
    );

  it('migrates up, all the way down, and up again', async () => {
    const first = await migrateLatest(db);
    expect(first.length).to.be.greaterThan(0);
    const upTables = await tables();
    expect(upTables).to.include.members(['users', 'sessions', 'files']);

    const reverted = await rollbackAll(db);
    expect(reverted).to.have.length(first.length);
    expect(await tables()).to.deep.equal([]);

    const again = await migrateLatest(db);
    expect(again).to.deep.equal(first);
    expect(await tables()).to.deep.equal(upTables);
  });
});
