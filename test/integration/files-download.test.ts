import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { signFileLink } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { dispositionName, noiseWithoutMarkup, pngBytes, sha256Hex, uploadForm, uploadRaw } from '../support/files.ts';
import { STORAGE_KINDS, startTestStorage, type TestStorage } from '../support/storage.ts';
import { signUp, type TestUser } from '../support/users.ts';

/** GET that keeps the body as bytes. */
async function fetchFile(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(baseUrl + path, { method, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

for (const kind of STORAGE_KINDS) {
  describe(`files: download (${kind} storage)`, () => {
    let store: TestStorage;
    let api: TestApi;
    let alice: TestUser;
    let bob: TestUser;
    const data = randomBytes(100_000);
    let fid: string;

    const download = (id: string, headers: Record<string, string> = {}, token: string | null = alice.token, method = 'GET') =>
      fetchFile(api.http.baseUrl, `/f/fserv/download/${id}`, token ? { authorization: `Bearer ${token}`, ...headers } : headers, method);
    const upload = async (bytes: Buffer | string, name: string, contentType = 'application/octet-stream') => {
      const res = await uploadForm(api.http, [{ field: 'f', filename: name, contentType, data: bytes }], { token: alice.token });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { fid: string; mime: string };
    };

    before(async () => {
      store = await startTestStorage(kind);
      api = await startTestApi({}, { storage: store.storage });
      alice = await signUp(api.http, { stem: 'dla' });
      bob = await signUp(api.http, { stem: 'dlb' });
      fid = (await upload(data, 'data.bin')).fid;
    });
    after(async () => {
      await api.close();
      await store.close();
    });

    it('serves the uploader the whole file with its safety and caching headers', async () => {
      const res = await download(fid);
      expect(res.status).to.equal(200);
      expect(res.body.equals(data)).to.equal(true);
      expect(Object.fromEntries(res.headers)).to.include({
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        etag: `"${sha256Hex(data)}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, max-age=86400',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
        'content-disposition': 'attachment; filename="data.bin"; filename*=UTF-8\'\'data.bin',
      });
    });

    it('accepts the token as ?token=', async () => {
      const res = await fetchFile(api.http.baseUrl, `/f/fserv/download/${fid}?token=${alice.token}`);
      expect(res.status).to.equal(200);
      expect(res.body.equals(data)).to.equal(true);
    });

    it('answers HEAD with the headers and no body', async () => {
      const res = await download(fid, {}, alice.token, 'HEAD');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-length')).to.equal(String(data.length));
      expect(res.body.length).to.equal(0);
    });

    it('serves one range with 206 and Content-Range', async () => {
      const cases: [string, number, number][] = [
        ['bytes=0-0', 0, 0],
        ['bytes=10-19', 10, 19],
        ['bytes=99990-', 99_990, 99_999],
        ['bytes=-5', 99_995, 99_999],
        ['bytes=99000-200000', 99_000, 99_999],
        ['bytes=-500000', 0, 99_999],
      ];
      for (const [range, start, end] of cases) {
        const res = await download(fid, { range });
        expect(res.status, range).to.equal(206);
        expect(res.headers.get('content-range'), range).to.equal(`bytes ${start}-${end}/${data.length}`);
        expect(res.headers.get('content-length'), range).to.equal(String(end - start + 1));
        expect(res.body.equals(data.subarray(start, end + 1)), range).to.equal(true);
      }
    });

    it('answers several ranges with the whole file (200), as documented', async () => {
      const res = await download(fid, { range: 'bytes=0-1,5-9' });
      expect(res.status).to.equal(200);
      expect(res.body.equals(data)).to.equal(true);
    });

    it('answers a malformed or unsatisfiable Range with 416 and Content-Range: bytes */size', async () => {
      for (const range of ['bytes=abc', 'items=0-1', 'bytes=5-2', 'bytes=', 'bytes=-', 'bytes=100000-', 'bytes=200000-300000', 'bytes=-0', 'bytes=1-2,x', 'bytes=0-99999999999999999999']) {
        const res = await download(fid, { range });
        expect(res.status, range).to.equal(416);
        expect(res.headers.get('content-range'), range).to.equal(`bytes */${data.length}`);
        expect(JSON.parse(res.body.toString()).error.code).to.equal('range_not_satisfiable');
      }
    });

    it('answers 304 when If-None-Match holds the ETag, and ignores a Range whose If-Range is stale', async () => {
      const etag = `"${sha256Hex(data)}"`;
      for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const res = await download(fid, { 'if-none-match': tag });
        expect(res.status, tag).to.equal(304);
        expect(res.body.length).to.equal(0);
        expect(res.headers.get('etag')).to.equal(etag);
      }
      expect((await download(fid, { 'if-none-match': '"stale"' })).status).to.equal(200);
      expect((await download(fid, { range: 'bytes=0-9', 'if-range': etag })).status).to.equal(206);
      const stale = await download(fid, { range: 'bytes=0-9', 'if-range': '"stale"' });
      expect(stale.status).to.equal(200);
      expect(stale.body.length).to.equal(data.length);
    });

    it('serves an empty file, and answers 416 to any range of it', async () => {
      const empty = await upload('', 'empty.txt');
      const res = await download(empty.fid);
      expect(res.status).to.equal(200);
      expect(res.body.length).to.equal(0);
      expect((await download(empty.fid, { range: 'bytes=0-' })).status).to.equal(416);
    });

    it('shows safe images inline with their type', async () => {
      for (const [bytes, mime] of [
        [pngBytes(), 'image/png'],
        [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), noiseWithoutMarkup(100)]), 'image/jpeg'],
        [Buffer.concat([Buffer.from('GIF89a'), Buffer.from([16, 0, 16, 0]), noiseWithoutMarkup(100)]), 'image/gif'],
        [Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), noiseWithoutMarkup(100)]), 'image/webp'],
      ] as [Buffer, string][]) {
        const file = await upload(bytes, 'picture');
        expect(file.mime).to.equal(mime);
        const res = await download(file.fid);
        expect(res.headers.get('content-type')).to.equal(mime);
        expect(res.headers.get('content-disposition')).to.match(/^inline; /);
      }
    });

    it('never serves HTML, SVG or an image/HTML polyglot as an image or inline, whatever they are labelled', async () => {
      const hostile: [string, string, string][] = [
        ['<!DOCTYPE html><html><script>alert(1)</script></html>', 'cat.png', 'text/html'],
        ['\ufeff  <html><body onload=alert(1)>', 'cat.jpg', 'text/html'],
        ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'cat.svg', 'image/svg+xml'],
        ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'cat.gif', 'image/svg+xml'],
        ['<?xml version="1.0"?><note>hi</note>', 'cat.webp', 'application/xml'],
      ];
      for (const [body, name, mime] of hostile) {
        const file = await upload(body, name, 'image/png');
        expect(file.mime, name).to.equal(mime);
        const res = await download(file.fid);
        expect(res.headers.get('content-type'), name).to.equal('application/octet-stream');
        expect(res.headers.get('content-disposition'), name).to.match(/^attachment; /);
        expect(res.headers.get('content-security-policy')).to.equal('sandbox');
      }
      const polyglot = await upload(Buffer.concat([pngBytes(10), Buffer.from('<html><script>alert(1)</script>')]), 'poly.png', 'image/png');
      expect(polyglot.mime).to.equal('application/octet-stream');
      const res = await download(polyglot.fid);
      expect(res.headers.get('content-type')).to.equal('application/octet-stream');
      expect(res.headers.get('content-disposition')).to.match(/^attachment; /);
    });

    it('returns hostile file names safely encoded in Content-Disposition', async () => {
      for (const name of ['a"b;c%20.txt', 'Résumé 履歴書 😀.pdf', 'x'.repeat(255), "it's (1) *.txt"]) {
        const res = await uploadRaw(api.http, Buffer.from('n'), { token: alice.token, name });
        const header = (await download(res.body.fid)).headers.get('content-disposition') ?? '';
        expect(header).to.match(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+$/);
        expect(/filename="([^"]*)"/.exec(header)?.[1]).to.not.match(/["\\]/);
        expect(dispositionName(header)).to.equal(name);
      }
    });

    describe('refusals', () => {
      it('401 without a token or with a bad one', async () => {
        expect((await download(fid, {}, null)).status).to.equal(401);
        expect((await download(fid, {}, 'b'.repeat(100))).status).to.equal(401);
      });

      it('404 for another user\'s file, with the same body as a file that does not exist', async () => {
        const foreign = await download(fid, {}, bob.token);
        const missing = await download(`file_${'Z'.repeat(22)}`, {}, bob.token);
        expect(foreign.status).to.equal(404);
        expect(missing.status).to.equal(404);
        expect(JSON.parse(foreign.body.toString())).to.deep.equal(JSON.parse(missing.body.toString()));
        expect(JSON.parse(foreign.body.toString()).error.code).to.equal('not_found');
        expect((await api.http.get(`/fserv/link/${fid}`, { token: bob.token })).status).to.equal(404);
      });

      it('404 for guessed and bit-flipped fids', async () => {
        const flip = (c: string) => (c === 'a' ? 'b' : 'a');
        const flipped = [fid.slice(0, -1) + flip(fid.at(-1) as string), fid.slice(0, 5) + flip(fid[5] as string) + fid.slice(6), fid + 'a'];
        for (const guess of [...flipped, `file_${randomBytes(16).toString('hex')}`, `file_${'0'.repeat(22)}`]) {
          expect((await download(guess)).status, guess).to.equal(404);
        }
      });

      it('400 for a malformed fid', async () => {
        for (const bad of ['notafile', 'file_short', `file_${'a'.repeat(65)}`, 'file_abc%2F..%2F..%2Fetc%2Fpasswd_aaaaaaaaaaaa', `FILE_${'a'.repeat(22)}`]) {
          const res = await download(bad);
          expect(res.status, bad).to.equal(400);
          expect(JSON.parse(res.body.toString()).error.code).to.equal('invalid_input');
        }
      });
    });

    describe('signed links', () => {
      it('GET /fserv/link/{fid} gives a short-lived URL that downloads without a token', async () => {
        const before = Date.now();
        const link = await api.http.get(`/fserv/link/${fid}`, { token: alice.token });
        expect(link.status).to.equal(200);
        expect(link.body.url).to.match(new RegExp(`^/f/fserv/download/${fid}\\?sig=`));
        const expires = Date.parse(link.body.expires_at);
        expect(expires).to.be.within(before + 299_000, before + 601_000);
        expect(expires % 300_000).to.equal(0);
        const res = await fetchFile(api.http.baseUrl, link.body.url, { range: 'bytes=0-9' });
        expect(res.status).to.equal(206);
        expect(res.body.equals(data.subarray(0, 10))).to.equal(true);
      });

      it('gives the same URL to the same user within a bucket, so the browser cache can reuse it', async () => {
        const ask = async () => (await api.http.get(`/fserv/link/${fid}`, { token: alice.token })).body as { url: string; expires_at: string };
        let [a, b] = [await ask(), await ask()];
        // A bucket boundary may fall between the two: then the next two share the new bucket.
        if (a.expires_at !== b.expires_at) [a, b] = [b, await ask()];
        expect(b).to.deep.equal(a);
      });

      it('GET /fserv/link needs a token and a well-formed fid', async () => {
        expect((await api.http.get(`/fserv/link/${fid}`)).status).to.equal(401);
        expect((await api.http.get('/fserv/link/nope', { token: alice.token })).status).to.equal(400);
      });

      it('401 for an expired, tampered, foreign-secret or other-file link', async () => {
        const secret = internalSecret(api.deps.config);
        const good = signFileLink(secret, alice.uid, fid, 60).sig;
        const [header, payload, signature] = good.split('.') as [string, string, string];
        const swapped = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: bob.uid })).toString('base64url');
        const sigs = [
          jwt.sign({ fid, exp: Math.floor(Date.now() / 1000) - 1 }, secret, { audience: 'wetty:file-link', subject: alice.uid }),
          `${header}.${swapped}.${signature}`,
          `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
          signFileLink('another-secret-another-secret-another-secret', alice.uid, fid, 60).sig,
          signFileLink(secret, alice.uid, `file_${'Q'.repeat(22)}`, 60).sig,
          jwt.sign({ fid }, secret, { audience: 'wetty:internal', subject: alice.uid, expiresIn: 60 }),
          'garbage',
        ];
        for (const sig of sigs) {
          const res = await fetchFile(api.http.baseUrl, `/f/fserv/download/${fid}?sig=${encodeURIComponent(sig)}`);
          expect(res.status, sig).to.equal(401);
        }
      });

      it('400 for a sig longer than 2048 characters', async () => {
        const res = await fetchFile(api.http.baseUrl, `/f/fserv/download/${fid}?sig=${'a'.repeat(2049)}`);
        expect(res.status).to.equal(400);
        expect(JSON.parse(res.body.toString()).error.code).to.equal('invalid_input');
      });

      it('still applies the access rule to a valid link: another user\'s file is 404', async () => {
        const sig = signFileLink(internalSecret(api.deps.config), bob.uid, fid, 60).sig;
        expect((await fetchFile(api.http.baseUrl, `/f/fserv/download/${fid}?sig=${sig}`)).status).to.equal(404);
      });
    });
  });
}
