import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ObjectNotFoundError } from '../../shared/storage/storage.ts';
import { STORAGE_KINDS, startTestStorage, type StorageKind, type TestStorage } from '../support/storage.ts';
import { chunked, failingAfter, readAll } from '../support/streams.ts';

const MiB = 1024 * 1024;
let counter = 0;
const newKey = () => `t${Date.now().toString(36)}/object_${counter++}`;

/** The same promises, checked against every driver. */
function storageContract(kind: StorageKind) {
  describe(`storage: ${kind} driver`, () => {
    let t: TestStorage;
    before(async () => {
      t = await startTestStorage(kind);
    });
    after(() => t.close());

    async function refusedWithoutTrace(put: (key: string) => Promise<void>): Promise<Error> {
      const before = await t.files();
      const key = newKey();
      const error = await put(key).then(() => null, (err: Error) => err);
      expect(error, 'put should fail').to.be.instanceOf(Error);
      expect(await t.storage.stat(key)).to.equal(null);
      expect(await t.files()).to.deep.equal(before);
      return error as Error;
    }

    it('stores a stream and reads it back whole and by range', async () => {
      const key = newKey();
      const data = randomBytes(300 * 1024);
      await t.storage.put(key, chunked(data), data.length);
      expect(await t.storage.stat(key)).to.deep.equal({ size: data.length });
      expect((await readAll(await t.storage.get(key))).equals(data)).to.equal(true);
      expect((await readAll(await t.storage.get(key, { start: 0, end: 0 }))).equals(data.subarray(0, 1))).to.equal(true);
      expect((await readAll(await t.storage.get(key, { start: 1000, end: 200_000 }))).equals(data.subarray(1000, 200_001))).to.equal(true);
      const last = data.length - 1;
      expect((await readAll(await t.storage.get(key, { start: last, end: last }))).equals(data.subarray(last))).to.equal(true);
    });

    it('stores a stream of unknown length', async () => {
      const key = newKey();
      const data = randomBytes(100_000);
      await t.storage.put(key, chunked(data));
      expect((await readAll(await t.storage.get(key))).equals(data)).to.equal(true);
    });

    it('stores an empty object', async () => {
      const key = newKey();
      await t.storage.put(key, chunked(Buffer.alloc(0)), 0);
      expect(await t.storage.stat(key)).to.deep.equal({ size: 0 });
      expect((await readAll(await t.storage.get(key))).length).to.equal(0);
    });

    it('streams an object of several S3 parts (20 MiB) and reads it back intact', async () => {
      const key = newKey();
      const data = randomBytes(20 * MiB + 12_345);
      await t.storage.put(key, chunked(data));
      expect(await t.storage.stat(key)).to.deep.equal({ size: data.length });
      expect((await readAll(await t.storage.get(key))).equals(data)).to.equal(true);
      const range = { start: 8 * MiB - 10, end: 16 * MiB + 10 };
      expect((await readAll(await t.storage.get(key, range))).equals(data.subarray(range.start, range.end + 1))).to.equal(true);
      await t.storage.delete(key);
    });

    it('answers null from stat and ObjectNotFoundError from get for a missing key', async () => {
      expect(await t.storage.stat(newKey())).to.equal(null);
      const error = await t.storage.get(newKey()).then(() => null, (err: unknown) => err);
      expect(error).to.be.instanceOf(ObjectNotFoundError);
    });

    it('deletes an object, and deleting a missing key succeeds', async () => {
      const before = await t.files();
      const key = newKey();
      await t.storage.put(key, chunked(Buffer.from('bye')), 3);
      await t.storage.delete(key);
      expect(await t.storage.stat(key)).to.equal(null);
      await t.storage.delete(key);
      expect(await t.files()).to.deep.equal(before);
    });

    it('leaves nothing behind when the source fails within the first part', async () => {
      const error = await refusedWithoutTrace((key) => t.storage.put(key, failingAfter(200_000, new Error('client went away'))));
      expect(error.message).to.equal('client went away');
    });

    it('leaves neither an object nor parts behind when the source fails after several parts', async () => {
      const error = await refusedWithoutTrace((key) => t.storage.put(key, failingAfter(18 * MiB, new Error('limit hit'))));
      expect(error.message).to.equal('limit hit');
    });

    it('refuses a stream shorter or longer than the announced size and keeps nothing', async () => {
      await refusedWithoutTrace((key) => t.storage.put(key, chunked(randomBytes(1000)), 1001));
      await refusedWithoutTrace((key) => t.storage.put(key, chunked(randomBytes(1000)), 999));
    });

    it('refuses keys that could escape the store', async () => {
      for (const key of ['../escape', 'a/../../b', '/absolute', 'a//b', 'dot.ted', '']) {
        const put = await t.storage.put(key, chunked(Buffer.from('x')), 1).then(() => 'stored', () => 'refused');
        expect(put, key).to.equal('refused');
        expect(await t.storage.get(key).then(() => 'read', () => 'refused'), key).to.equal('refused');
      }
    });

    it('can be initialised again (a restart) without losing objects', async () => {
      const key = newKey();
      await t.storage.put(key, chunked(Buffer.from('kept')), 4);
      await t.storage.init();
      expect(await t.storage.stat(key)).to.deep.equal({ size: 4 });
    });
  });
}

for (const kind of STORAGE_KINDS) storageContract(kind);
