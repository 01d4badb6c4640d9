import { expect } from 'chai';
import type { Readable } from 'node:stream';
import type { FileStorage } from '../../shared/storage/storage.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { multipart, pngBytes, startUpload } from '../support/files.ts';
import { startTestStorage, type TestStorage } from '../support/storage.ts';
import { waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';

describe('files: an upload whose client leaves before the answer', () => {
  let store: TestStorage;
  let api: TestApi;
  let alice: TestUser;
  /** Set by a test: the storage's put finishes only once this resolves (the client is gone by then). */
  let holdPut: Promise<void> | null = null;
  before(async () => {
    store = await startTestStorage('fs');
    const real = store.storage;
    const storage: FileStorage = {
      ...real,
      init: () => real.init(),
      get: (key, range) => real.get(key, range),
      stat: (key) => real.stat(key),
      delete: (key) => real.delete(key),
      put: async (key: string, body: Readable, size?: number) => {
        await real.put(key, body, size);
        if (holdPut) await holdPut;
      },
    };
    api = await startTestApi({}, { storage });
    alice = await signUp(api.http, { stem: 'gone' });
  });
  after(async () => {
    await api.close();
    await store.close();
  });

  it('removes the stored object and keeps no row: nobody learned its fid', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'photo.png', contentType: 'image/png', data: pngBytes(300_000) }]);
    const { host } = new URL(api.http.baseUrl);
    const head = `POST /fserv/upload HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${alice.token}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
    let release = () => {};
    holdPut = new Promise<void>((resolve) => (release = resolve));
    const socket = await startUpload(api.http.baseUrl, head, body);
    // The whole body is sent and stored; the client leaves before the answer.
    await waitFor(async () => (await store.files()).length === 1, 10_000);
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await waitFor(async () => (await store.files()).length === 0, 10_000);
    expect(await api.deps.db('files').where({ owner_uid: alice.uid })).to.have.length(0);
    holdPut = null;
  });

  it('keeps an upload whose client reads the answer', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'kept.png', contentType: 'image/png', data: pngBytes(1000) }]);
    const res = await api.http.post('/fserv/upload', { token: alice.token, raw: body, headers: { 'content-type': contentType } });
    expect(res.status).to.equal(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await api.deps.db('files').where({ fid: res.body.fid })).to.have.length(1);
    expect(await store.files()).to.have.length(1);
  });
});
