import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { signFileLink, signInternalKey } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { multipart, pngBytes, rawExchange, sha256Hex, startUpload, uploadForm, uploadRaw } from '../support/files.ts';
import { STORAGE_KINDS, startTestStorage, type TestStorage } from '../support/storage.ts';
import { waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { notePendingUpload } from '../../shared/db/repositories/pending-uploads.repository.ts';
import { sweepAbandonedUploads } from '../../workers/processors/sweep-uploads.processor.ts';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;
const LIMIT = 12 * MiB;

for (const kind of STORAGE_KINDS) {
  describe(`files: upload (${kind} storage)`, () => {
    let store: TestStorage;
    let api: TestApi;
    let alice: TestUser;
    before(async () => {
      store = await startTestStorage(kind);
      api = await startTestApi({ FILE_MAX_BYTES: String(LIMIT) }, { storage: store.storage });
      alice = await signUp(api.http, { stem: 'upl' });
    });
    after(async () => {
      await api.close();
      await store.close();
    });

    const secret = () => internalSecret(api.deps.config);
    const rowCount = async () => Number((await api.deps.db('files').count({ n: '*' }))[0]?.n);
    const pendingKeys = async () => (await api.deps.db('pending_uploads').select('storage_key')).map((r: { storage_key: string }) => r.storage_key);

    /** Runs a refused upload and checks that neither storage nor the database kept anything. */
    async function refusedLeavingNothing(send: () => Promise<{ status: number; body?: any }>, status: number, code?: string) {
      const filesBefore = await store.files();
      const rowsBefore = await rowCount();
      const pendingBefore = await pendingKeys();
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      if (code) expect(res.body.error.code).to.equal(code);
      await waitFor(async () => (await store.files()).length === filesBefore.length, 5000);
      expect(await store.files()).to.deep.equal(filesBefore);
      expect(await rowCount()).to.equal(rowsBefore);
      expect(await pendingKeys()).to.deep.equal(pendingBefore);
    }

    it('stores an application/octet-stream body and answers 201 {fid, name, size, mime, sha256, width, height}', async () => {
      const data = pngBytes(100_000);
      const res = await uploadRaw(api.http, data, { token: alice.token, name: 'holiday.png' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      // A PNG signature over noise: sniffed as PNG, but no size can be read from it.
      expect(res.body).to.deep.equal({ fid: res.body.fid, name: 'holiday.png', size: data.length, mime: 'image/png', sha256: sha256Hex(data), width: null, height: null });
      expect(res.body.fid).to.match(/^file_[0-9A-Za-z]{22}$/);
      const row = await api.deps.db('files').where({ fid: res.body.fid }).first();
      expect(row).to.include({ owner_uid: alice.uid, name: 'holiday.png', mime: 'image/png', sha256: sha256Hex(data) });
      expect(await store.storage.stat(row.storage_key)).to.deep.equal({ size: data.length });
    });

    it('stores the one file part of a multipart/form-data body, ignoring other fields and the claimed type', async () => {
      const data = Buffer.from('%PDF-1.7\n' + 'x'.repeat(5000));
      const res = await uploadForm(api.http, [
        { field: 'caption', data: 'ignored' },
        { field: 'file', filename: 'report.pdf', contentType: 'image/png', data },
      ], { token: alice.token });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ name: 'report.pdf', size: data.length, mime: 'application/pdf', sha256: sha256Hex(data) });
    });

    it('streams a file of several storage parts (20 MiB under a 21 MiB limit) intact', async () => {
      const big = await startTestApi({ FILE_MAX_BYTES: String(21 * MiB) }, { storage: store.storage });
      try {
        const data = randomBytes(20 * MiB);
        const res = await uploadRaw(big.http, data, { token: alice.token });
        expect(res.status).to.equal(201);
        expect(res.body).to.include({ size: data.length, sha256: sha256Hex(data), mime: 'application/octet-stream', name: 'file' });
      } finally {
        await big.close();
      }
    });

    it('takes ?name= over the part\'s filename, and ?token= instead of the header', async () => {
      const res = await uploadForm(api.http, [{ field: 'f', filename: 'part-name.txt', data: 'hello' }], { query: `?name=chosen.txt&token=${alice.token}` });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'chosen.txt', mime: 'text/plain', size: 5 });
    });

    it('accepts an empty file (size 0)', async () => {
      const res = await uploadRaw(api.http, Buffer.alloc(0), { token: alice.token, name: 'empty.txt' });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ size: 0, mime: 'application/octet-stream', sha256: sha256Hex(Buffer.alloc(0)) });
      const form = await uploadForm(api.http, [{ field: 'f', filename: 'empty', data: '' }], { token: alice.token });
      expect(form.status).to.equal(201);
      expect(form.body.size).to.equal(0);
    });

    it('accepts the internal service key and records the upload as the key\'s user', async () => {
      const res = await uploadRaw(api.http, Buffer.from('from a service'), { headers: { 'x-internal-key': signInternalKey(secret(), alice.uid) } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect((await api.deps.db('files').where({ fid: res.body.fid }).first()).owner_uid).to.equal(alice.uid);
    });

    it('cleans hostile file names and stores them safely', async () => {
      const cases: [string, string][] = [
        ['../../etc/passwd', 'passwd'],
        ['C:\\Users\\x\\evil.exe', 'evil.exe'],
        ['a"b\'c;d.txt', 'a"b\'c;d.txt'],
        ['line\r\nSet-Cookie: x=1.txt', 'lineSet-Cookie: x=1.txt'],
        ['nul\u0000byte.txt', 'nulbyte.txt'],
        ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
        ['...', 'file'],
        ['   ', 'file'],
        ['Résumé 履歴書 😀.pdf', 'Résumé 履歴書 😀.pdf'],
        ['e\u0301.txt', 'é.txt'],
        ['x'.repeat(1000), 'x'.repeat(255)],
      ];
      for (const [given, stored] of cases) {
        const res = await uploadRaw(api.http, Buffer.from('n'), { token: alice.token, name: given });
        expect(res.status, given).to.equal(201);
        expect(res.body.name, JSON.stringify(given)).to.equal(stored);
        expect((await api.deps.db('files').where({ fid: res.body.fid }).first()).name).to.equal(stored);
      }
      const form = await uploadForm(api.http, [{ field: 'f', filename: '..\\..\\win.ini', data: 'n' }], { token: alice.token });
      expect(form.body.name).to.equal('win.ini');
    });

    describe('refusals leave nothing in storage or the database', () => {
      it('401 without a token, with a bad token, and with a bad token in ?token=', async () => {
        await refusedLeavingNothing(() => uploadRaw(api.http, Buffer.from('x')), 401, 'unauthorized');
        await refusedLeavingNothing(() => uploadRaw(api.http, Buffer.from('x'), { token: 'a'.repeat(100) }), 401, 'unauthorized');
        await refusedLeavingNothing(() => api.http.post('/fserv/upload?token=nope', { raw: 'x', headers: { 'content-type': 'application/octet-stream' } }), 401);
      });

      it('401 for an internal key that is forged, expired, of another kind, for an unknown user, or garbage — even beside a valid token', async () => {
        const keys = [
          signInternalKey('another-secret-another-secret-another-secret', alice.uid),
          jwt.sign({ exp: Math.floor(Date.now() / 1000) - 10 }, secret(), { audience: 'wetty:internal', subject: alice.uid }),
          jwt.sign({}, secret(), { audience: 'wetty:internal', subject: alice.uid }), // no expiry
          jwt.sign({}, secret(), { audience: 'wetty:internal', subject: alice.uid, expiresIn: 60, algorithm: 'HS512' }),
          signFileLink(secret(), alice.uid, 'file_' + 'a'.repeat(22), 60).sig,
          signInternalKey(secret(), 'f'.repeat(32)),
          'not-a-jwt',
        ];
        for (const key of keys) {
          await refusedLeavingNothing(() => uploadRaw(api.http, Buffer.from('x'), { token: alice.token, headers: { 'x-internal-key': key } }), 401, 'unauthorized');
        }
      });

      it('411 for application/octet-stream without Content-Length', async () => {
        const filesBefore = await store.files();
        const res = await rawExchange(api.http.baseUrl, [
          'POST /fserv/upload HTTP/1.1', 'Host: test', `Authorization: Bearer ${alice.token}`, 'Content-Type: application/octet-stream',
          'Transfer-Encoding: chunked', 'Connection: close', '', '5', 'hello', '0', '', '',
        ].join('\r\n'));
        expect(res.status).to.equal(411);
        expect(res.text).to.contain('"length_required"');
        expect(await store.files()).to.deep.equal(filesBefore);
      });

      it('415 for any other content type', async () => {
        for (const type of ['application/json', 'text/plain', 'image/png']) {
          await refusedLeavingNothing(() => api.http.post('/fserv/upload', { token: alice.token, raw: '{}', headers: { 'content-type': type } }), 415, 'unsupported_media_type');
        }
      });

      it('413 for an octet-stream over the limit, before reading it', async () => {
        await refusedLeavingNothing(() => uploadRaw(api.http, randomBytes(LIMIT + 1), { token: alice.token }), 413, 'payload_too_large');
      });

      it('413 for a multipart file over the limit, stopped mid-stream', async () => {
        await refusedLeavingNothing(() => uploadForm(api.http, [{ field: 'f', filename: 'big.bin', data: randomBytes(LIMIT + 1) }], { token: alice.token }), 413, 'payload_too_large');
      });

      it('400 too_many_files for two file parts, removing the first one already stored', async () => {
        await refusedLeavingNothing(
          () => uploadForm(api.http, [{ field: 'a', filename: 'one.txt', data: 'first' }, { field: 'b', filename: 'two.txt', data: 'second' }], { token: alice.token }),
          400, 'too_many_files',
        );
      });

      it('400 no_file for a form without a file part, or an empty form', async () => {
        await refusedLeavingNothing(() => uploadForm(api.http, [{ field: 'text', data: 'just a field' }], { token: alice.token }), 400, 'no_file');
        await refusedLeavingNothing(() => uploadForm(api.http, [], { token: alice.token }), 400, 'no_file');
      });

      it('400 invalid_multipart for a form without a boundary or cut short', async () => {
        await refusedLeavingNothing(() => api.http.post('/fserv/upload', { token: alice.token, raw: 'x', headers: { 'content-type': 'multipart/form-data' } }), 400, 'invalid_multipart');
        const { body, contentType } = multipart([{ field: 'f', filename: 'cut.bin', data: randomBytes(300_000) }], { close: false });
        await refusedLeavingNothing(() => api.http.post('/fserv/upload', { token: alice.token, raw: body, headers: { 'content-type': contentType } }), 400, 'invalid_multipart');
      });

      it('400 for a ?name= longer than 4096 characters', async () => {
        await refusedLeavingNothing(() => uploadRaw(api.http, Buffer.from('x'), { token: alice.token, name: 'n'.repeat(4097) }), 400, 'invalid_input');
      });

      for (const form of [false, true]) {
        it(`keeps nothing when the client disconnects mid-upload (${form ? 'multipart' : 'octet-stream'})`, async () => {
          const filesBefore = await store.files();
          const rowsBefore = await rowCount();
          const pendingBefore = await pendingKeys();
          // Past one 8 MiB storage part, so the s3 driver has a multipart upload in progress to abort.
          const sent = randomBytes(10 * MiB);
          const prefix = form ? multipart([{ field: 'f', filename: 'cut.bin', data: Buffer.alloc(0) }], { close: false }) : undefined;
          const contentType = prefix?.contentType ?? 'application/octet-stream';
          const firstBytes = prefix ? Buffer.concat([prefix.body.subarray(0, prefix.body.length - 2), sent]) : sent;
          const head = ['POST /fserv/upload HTTP/1.1', 'Host: test', `Authorization: Bearer ${alice.token}`, `Content-Type: ${contentType}`, `Content-Length: ${11 * MiB}`, '', ''].join('\r\n');
          const socket = await startUpload(api.http.baseUrl, head, firstBytes);
          await waitFor(async () => (await store.files()).length > filesBefore.length, 5000);
          socket.destroy();
          await waitFor(async () => (await store.files()).length === filesBefore.length, 5000);
          expect(await store.files()).to.deep.equal(filesBefore);
          expect(await rowCount()).to.equal(rowsBefore);
          await waitFor(async () => (await pendingKeys()).length === pendingBefore.length, 5000);
        });
      }
    });

    describe('uploads abandoned midway (the api stopped between storing and recording)', () => {
      const sweep = (now?: Date) => sweepAbandonedUploads({ ...api.deps, storage: store.storage }, now);
      const abandonedSeconds = () => api.deps.config.files.uploadAbandonedSeconds;
      /** What an api leaves behind when it stops after storing: an object and its pending note, `ageSeconds` old. */
      async function leftBehind(ageSeconds: number): Promise<string> {
        const key = `zz/file_left${randomBytes(8).toString('hex')}`;
        await notePendingUpload(api.deps.db, key);
        await api.deps.db('pending_uploads').where({ storage_key: key }).update({ started_at: new Date(Date.now() - ageSeconds * 1000) });
        await store.storage.put(key, Readable.from([randomBytes(1000)]), 1000);
        return key;
      }

      it('a finished upload leaves no pending note', async () => {
        const res = await uploadRaw(api.http, pngBytes(1000), { token: alice.token, name: 'done.png' });
        expect(res.status).to.equal(201);
        const key = (await api.deps.db('files').where({ fid: res.body.fid }).first()).storage_key;
        expect(await pendingKeys()).to.not.include(key);
      });

      it('the sweeper removes the objects of uploads older than the limit, and nothing else', async () => {
        const kept = await uploadRaw(api.http, pngBytes(1000), { token: alice.token, name: 'kept.png' });
        const keptKey = (await api.deps.db('files').where({ fid: kept.body.fid }).first()).storage_key;
        const stale = [await leftBehind(abandonedSeconds() + 60), await leftBehind(abandonedSeconds() + 3600)];
        const inProgress = await leftBehind(60);

        expect(await sweep()).to.equal(2);
        for (const key of stale) expect(await store.storage.stat(key), key).to.equal(null);
        expect(await store.storage.stat(inProgress)).to.deep.equal({ size: 1000 });
        expect(await store.storage.stat(keptKey)).to.deep.equal({ size: kept.body.size });
        const pending = await pendingKeys();
        expect(pending).to.include(inProgress);
        for (const key of stale) expect(pending).to.not.include(key);
        expect(await sweep(), 'a second sweep finds nothing more').to.equal(0);

        // Once it too is past the limit, the last one goes as well.
        expect(await sweep(new Date(Date.now() + abandonedSeconds() * 1000))).to.equal(1);
        expect(await store.storage.stat(inProgress)).to.equal(null);
        expect(await pendingKeys()).to.not.include(inProgress);
      });

      it('an upload the sweeper took as abandoned is answered 408 and not recorded', async () => {
        const rowsBefore = await rowCount();
        const pendingBefore = await pendingKeys();
        const data = randomBytes(64 * 1024);
        const head = ['POST /fserv/upload?name=slow.bin HTTP/1.1', 'Host: test', `Authorization: Bearer ${alice.token}`, 'Content-Type: application/octet-stream', `Content-Length: ${data.length}`, 'Connection: close', '', ''].join('\r\n');
        const socket = await startUpload(api.http.baseUrl, head, data.subarray(0, 1000));
        await waitFor(async () => (await pendingKeys()).length === pendingBefore.length + 1, 5000);
        const key = (await pendingKeys()).find((k) => !pendingBefore.includes(k));
        // The sweeper claims it (as it would after FILE_UPLOAD_ABANDONED_SECONDS), then the client finishes.
        expect(await sweep(new Date(Date.now() + (abandonedSeconds() + 1) * 1000))).to.equal(1);
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        const closed = new Promise((resolve) => socket.once('close', resolve));
        socket.write(data.subarray(1000));
        await closed;
        expect(answer).to.match(/^HTTP\/1\.1 408 /);
        expect(answer).to.include('"upload_too_slow"');
        expect(await rowCount()).to.equal(rowsBefore);
        expect(await store.storage.stat(key as string)).to.equal(null);
        expect(await pendingKeys()).to.deep.equal(pendingBefore);
      });
    });
  });
}
