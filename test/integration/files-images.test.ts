import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import sharp from 'sharp';
import { signFileLink } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { findFile, type FileRow } from '../../shared/db/repositories/files.repository.ts';
import { THUMB_WIDTHS, thumbEtag, thumbKey } from '../../shared/media/images.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { uploadRaw } from '../support/files.ts';
import { noiseGif, noiseJpeg, noisePng, noiseWebp, pixelBombPng, svgBytes } from '../support/images.ts';
import { befriend } from '../support/social.ts';
import { STORAGE_KINDS, startTestStorage, type TestStorage } from '../support/storage.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

interface Uploaded {
  fid: string;
  mime: string;
  width: number | null;
  height: number | null;
}

async function fetchBytes(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const errorCode = (body: Buffer) => (JSON.parse(body.toString()) as { error: { code: string } }).error.code;

/** Polls until the media worker has recorded an outcome for the file. */
async function thumbState(api: TestApi, fid: string, timeoutMs = 30_000): Promise<FileRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await findFile(api.deps.db, fid);
    if (row?.thumb_state) return row;
    if (Date.now() > deadline) throw new Error(`no thumbnail outcome for ${fid} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`files: image sizes and thumbnails (${kind} storage)`, function () {
    this.timeout(60_000);
    let store: TestStorage;
    let api: TestApi;
    let workers: Awaited<ReturnType<typeof startTestWorkers>>;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    let chatId: string;
    let png: Uploaded;

    const upload = async (data: Buffer, name: string, user = alice): Promise<Uploaded> => {
      const res = await uploadRaw(api.http, data, { token: user.token, name });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as Uploaded;
    };
    const thumb = (fid: string, query: string, token: string | null = alice.token, headers: Record<string, string> = {}) =>
      fetchBytes(api.http.baseUrl, `/f/fserv/thumb/${fid}?${query}`, token ? { authorization: `Bearer ${token}`, ...headers } : headers);

    before(async () => {
      store = await startTestStorage(kind);
      api = await startTestApi({}, { storage: store.storage });
      workers = await startTestWorkers(api.deps.config, { storage: store.storage });
      alice = await signUp(api.http, { stem: 'ima' });
      bob = await signUp(api.http, { stem: 'imb' });
      carol = await signUp(api.http, { stem: 'imc' });
      chatId = await befriend(api.http, alice, carol);
      png = await upload(await noisePng(1200, 800), 'noise.png');
    });
    after(async () => {
      await workers.close();
      await api.close();
      await store.close();
    });

    describe('width and height', () => {
      it('are read at upload for PNG, JPEG, GIF and WebP', async () => {
        expect(png).to.include({ mime: 'image/png', width: 1200, height: 800 });
        expect(await upload(await noiseJpeg(300, 200), 'a.jpg')).to.include({ mime: 'image/jpeg', width: 300, height: 200 });
        expect(await upload(await noiseGif(30, 20), 'a.gif')).to.include({ mime: 'image/gif', width: 30, height: 20 });
        expect(await upload(await noiseWebp(50, 40), 'a.webp')).to.include({ mime: 'image/webp', width: 50, height: 40 });
      });

      it('are the displayed size: EXIF orientation 6 (turned a quarter) swaps them', async () => {
        expect(await upload(await noiseJpeg(300, 200, 6), 'turned.jpg')).to.include({ width: 200, height: 300 });
      });

      it('are stored with the file and travel in the message that carries it', async () => {
        expect(await findFile(api.deps.db, png.fid)).to.include({ width: 1200, height: 800 });
        const sent = await api.http.post(`/chats/${chatId}/messages`, {
          token: alice.token,
          json: { client_generated_id: `img-${randomBytes(4).toString('hex')}`, message_type: 'image', message: png.fid },
        });
        expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
        expect(sent.body.file).to.deep.include({ fid: png.fid, mime: 'image/png', width: 1200, height: 800 });
        const listed = await api.http.get(`/chats/${chatId}/messages?max=1`, { token: carol.token });
        expect(listed.body.messages[0].file).to.deep.include({ width: 1200, height: 800 });
      });

      it('are null for other types, SVG included', async () => {
        expect(await upload(Buffer.from('just some text\n'), 'notes.txt')).to.include({ mime: 'text/plain', width: null, height: null });
        expect(await upload(svgBytes(), 'logo.svg')).to.include({ mime: 'image/svg+xml', width: null, height: null });
      });
    });

    describe('thumbnails', () => {
      it('are made once by the worker after upload and stored beside the file', async () => {
        const row = await thumbState(api, png.fid);
        expect(row.thumb_state).to.equal('ready');
        for (const width of THUMB_WIDTHS) expect(await store.storage.stat(thumbKey(row.storage_key, width)), String(width)).to.not.equal(null);
      });

      it('come in each allowed width as WebP, scaled to that width, with ETag and Cache-Control', async () => {
        const row = (await findFile(api.deps.db, png.fid)) as FileRow;
        for (const width of THUMB_WIDTHS) {
          const res = await thumb(png.fid, `w=${width}`);
          expect(res.status, String(width)).to.equal(200);
          expect(Object.fromEntries(res.headers)).to.include({
            'content-type': 'image/webp',
            etag: thumbEtag(row.sha256, width),
            'cache-control': 'private, max-age=86400',
            'x-content-type-options': 'nosniff',
            'content-security-policy': 'sandbox',
          });
          expect(res.headers.get('content-disposition')).to.match(/^inline; /);
          const meta = await sharp(res.body).metadata();
          expect(meta).to.include({ format: 'webp', width });
          expect(meta.height).to.be.closeTo((width * 800) / 1200, 1); // smaller widths are scaled from the largest
          expect(res.body.length).to.be.below(row.size);
          const again = await thumb(png.fid, `w=${width}`, alice.token, { 'if-none-match': thumbEtag(row.sha256, width) });
          expect(again.status).to.equal(304);
          expect(again.body.length).to.equal(0);
        }
      });

      it('never enlarge, and follow the EXIF orientation', async () => {
        const turned = await upload(await noiseJpeg(300, 200, 6), 'small.jpg');
        await thumbState(api, turned.fid);
        const res = await thumb(turned.fid, 'w=640');
        expect(res.status).to.equal(200);
        expect(await sharp(res.body).metadata()).to.include({ width: 200, height: 300 });
      });

      it('400 for any other width, or none', async () => {
        for (const query of ['w=100', 'w=641', 'w=0', 'w=-160', 'w=abc', 'w=320.0', 'w=', '', 'w=160&w=320']) {
          const res = await thumb(png.fid, query);
          expect(res.status, query).to.equal(400);
          expect(errorCode(res.body), query).to.equal('invalid_input');
        }
      });

      it('follow the download access rule: a chat member who received it may, anyone else gets 404', async () => {
        expect((await thumb(png.fid, 'w=160', carol.token)).status).to.equal(200); // sent to carol above
        const stranger = await thumb(png.fid, 'w=160', bob.token);
        expect(stranger.status).to.equal(404);
        expect(errorCode(stranger.body)).to.equal('not_found');
        const blocked = await api.http.post('/friend/block', { token: carol.token, json: { target_user_id: alice.uid } });
        expect(blocked.status, JSON.stringify(blocked.body)).to.be.oneOf([200, 201, 204]);
        expect((await thumb(png.fid, 'w=160', carol.token)).status).to.equal(404);
        // Unknown and foreign fids look the same.
        expect((await thumb(`file_${'Z'.repeat(22)}`, 'w=160')).status).to.equal(404);
      });

      it('401 without a token or with a bad link; the download link\'s sig opens the thumbnail', async () => {
        expect((await thumb(png.fid, 'w=160', null)).status).to.equal(401);
        expect((await thumb(png.fid, 'w=160&sig=garbage', null)).status).to.equal(401);
        const secret = internalSecret(api.deps.config);
        const otherFile = signFileLink(secret, alice.uid, `file_${'Q'.repeat(22)}`, 60).sig;
        expect((await thumb(png.fid, `w=160&sig=${otherFile}`, null)).status).to.equal(401);
        const link = await api.http.get(`/fserv/link/${png.fid}`, { token: alice.token });
        const sig = new URL(link.body.url, api.http.baseUrl).searchParams.get('sig') as string;
        expect((await thumb(png.fid, `w=320&sig=${encodeURIComponent(sig)}`, null)).status).to.equal(200);
        const bobs = signFileLink(secret, bob.uid, png.fid, 60).sig;
        expect((await thumb(png.fid, `w=320&sig=${bobs}`, null)).status).to.equal(404);
      });

      it('404 no_thumbnail for files that are not raster images', async () => {
        const text = await upload(Buffer.from('hello\n'), 'hello.txt');
        const res = await thumb(text.fid, 'w=160');
        expect(res.status).to.equal(404);
        expect(errorCode(res.body)).to.equal('no_thumbnail');
      });

      it('SVG is never rendered inline nor thumbnailed', async () => {
        const svg = await upload(svgBytes(), 'logo.svg');
        const res = await fetchBytes(api.http.baseUrl, `/f/fserv/download/${svg.fid}`, { authorization: `Bearer ${alice.token}` });
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('application/octet-stream');
        expect(res.headers.get('content-disposition')).to.match(/^attachment; /);
        expect(res.headers.get('content-security-policy')).to.equal('sandbox');
        const t = await thumb(svg.fid, 'w=160');
        expect(t.status).to.equal(404);
        expect(errorCode(t.body)).to.equal('no_thumbnail');
        const row = (await findFile(api.deps.db, svg.fid)) as FileRow;
        expect(row.thumb_state).to.equal(null);
        for (const width of THUMB_WIDTHS) expect(await store.storage.stat(thumbKey(row.storage_key, width))).to.equal(null);
      });

      it('a pixel bomb is refused safely: no size, no thumbnail, and the worker goes on', async () => {
        const bombBytes = pixelBombPng();
        expect(bombBytes.length).to.be.below(20_000);
        const bomb = await upload(bombBytes, 'bomb.png');
        expect(bomb).to.include({ mime: 'image/png', width: null, height: null });
        expect((await thumbState(api, bomb.fid)).thumb_state).to.equal('failed');
        const res = await thumb(bomb.fid, 'w=160');
        expect(res.status).to.equal(404);
        expect(errorCode(res.body)).to.equal('no_thumbnail');
        const row = (await findFile(api.deps.db, bomb.fid)) as FileRow;
        for (const width of THUMB_WIDTHS) expect(await store.storage.stat(thumbKey(row.storage_key, width))).to.equal(null);
        // Still working: the next image gets its thumbnails.
        const next = await upload(await noisePng(100, 100), 'after-bomb.png');
        expect((await thumbState(api, next.fid)).thumb_state).to.equal('ready');
        expect((await thumb(next.fid, 'w=160')).status).to.equal(200);
      });
    });
  });
}

describe('files: thumbnails not made yet', function () {
  this.timeout(60_000);
  let store: TestStorage;
  let api: TestApi;
  let alice: TestUser;
  let workers: Awaited<ReturnType<typeof startTestWorkers>> | undefined;

  before(async () => {
    store = await startTestStorage('fs');
    api = await startTestApi({ API_JOB_WAIT_MS: '300' }, { storage: store.storage });
    alice = await signUp(api.http, { stem: 'imp' });
  });
  after(async () => {
    await workers?.close();
    await api.close();
    await store.close();
  });

  const thumb = (fid: string) => fetchBytes(api.http.baseUrl, `/f/fserv/thumb/${fid}?w=160`, { authorization: `Bearer ${alice.token}` });

  it('503 thumbnail_pending with Retry-After while no worker has made it, then the thumbnail once one has', async () => {
    const res = await uploadRaw(api.http, await noisePng(400, 300), { token: alice.token, name: 'later.png' });
    expect(res.status).to.equal(201);
    const fid = res.body.fid as string;
    const pending = await thumb(fid);
    expect(pending.status).to.equal(503);
    expect(errorCode(pending.body)).to.equal('thumbnail_pending');
    expect(pending.headers.get('retry-after')).to.equal('2');
    expect(pending.headers.get('cache-control')).to.equal(null);
    expect(pending.headers.get('etag')).to.equal(null);

    workers = await startTestWorkers(api.deps.config, { storage: store.storage });
    expect((await thumbState(api, fid)).thumb_state).to.equal('ready');
    const ready = await thumb(fid);
    expect(ready.status).to.equal(200);
    expect(await sharp(ready.body).metadata()).to.include({ format: 'webp', width: 160, height: 120 });
  });

  it('a file from before thumbnails existed (or whose thumbnails went missing) gets them on first request', async () => {
    const res = await uploadRaw(api.http, await noiseJpeg(640, 480), { token: alice.token, name: 'old.jpg' });
    const fid = res.body.fid as string;
    const row = await thumbState(api, fid);
    // As a row from before the migration: no size, no thumbnail state, no thumbnail objects.
    await api.deps.db('files').where({ fid }).update({ width: null, height: null, thumb_state: null });
    for (const width of THUMB_WIDTHS) await store.storage.delete(thumbKey(row.storage_key, width));
    let answer = await thumb(fid);
    // Made on demand within the wait, or still pending on a slow machine: then it is there shortly after.
    for (let i = 0; answer.status === 503 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await thumb(fid);
    }
    expect(answer.status).to.equal(200);
    expect(await sharp(answer.body).metadata()).to.include({ width: 160, height: 120 });
    // The worker filled in the size the upload would have read.
    expect(await findFile(api.deps.db, fid)).to.include({ width: 640, height: 480, thumb_state: 'ready' });
  });

  it('a thumbnail object lost from storage is made again', async () => {
    const res = await uploadRaw(api.http, await noisePng(320, 240), { token: alice.token, name: 'lost.png' });
    const fid = res.body.fid as string;
    const row = await thumbState(api, fid);
    await store.storage.delete(thumbKey(row.storage_key, 160));
    let answer = await thumb(fid);
    for (let i = 0; answer.status === 503 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await thumb(fid);
    }
    expect(answer.status).to.equal(200);
    expect(await store.storage.stat(thumbKey(row.storage_key, 160))).to.not.equal(null);
  });
});
