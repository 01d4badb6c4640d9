import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { pngBytes, uploadRaw } from '../support/files.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

/**
 * Who may download a file that travelled in messages: its uploader, and whoever may see a
 * non-recalled message carrying it, except people who block that message's sender. Everyone else
 * gets the same 404 as a fid that does not exist.
 */
describe('file access through messages', function () {
  this.timeout(30_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const newUser = () => signUp(api.http, { stem: 'fa' });
  const upload = async (user: TestUser) => {
    const res = await uploadRaw(api.http, pngBytes(), { token: user.token, name: 'photo.png' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.fid as string;
  };
  const sendFile = (user: TestUser, chatId: string, fid: string) =>
    api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: `f-${randomBytes(5).toString('hex')}`, message_type: 'image', message: fid } });
  const status = async (user: TestUser, fid: string) => (await fetch(`${api.http.baseUrl}/f/fserv/download/${fid}`, { headers: { authorization: `Bearer ${user.token}` } })).status;

  before(async () => {
    api = await startTestApi();
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  it('an image message carries the file\'s metadata; someone else\'s fid cannot be sent', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const fid = await upload(a);
    const sent = await sendFile(a, chatId, fid);
    expect(sent.status).to.equal(201);
    expect(sent.body.file).to.deep.include({ fid, name: 'photo.png', mime: 'image/png' });
    // a's second upload was never sent to b: b cannot attach it anywhere.
    const stolen = await sendFile(b, await befriend(api.http, b, c), await upload(a));
    expect(stolen.status).to.equal(404);
    expect(stolen.body.error.code).to.equal('file_not_found');
    expect((await sendFile(a, chatId, `file_${'x'.repeat(22)}`)).status).to.equal(404);
  });

  it('direct chat: uploader and recipient may download; strangers, and a recipient who blocks the sender, may not', async () => {
    const [a, b, stranger] = [await newUser(), await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const fid = await upload(a);
    expect(await status(b, fid)).to.equal(404);
    expect((await sendFile(a, chatId, fid)).status).to.equal(201);
    expect([await status(a, fid), await status(b, fid), await status(stranger, fid)]).to.deep.equal([200, 200, 404]);
    await api.http.post('/friend/block', { token: b.token, json: { target_user_id: a.uid } });
    expect(await status(b, fid)).to.equal(404);
    expect(await status(a, fid)).to.equal(200);
  });

  it('groups: members may download; a member who left may not', async () => {
    const [owner, member, leaver, outsider] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = await createGroup(api.http, owner, [member, leaver]);
    const fid = await upload(owner);
    expect((await sendFile(owner, group.chat_id, fid)).status).to.equal(201);
    expect([await status(member, fid), await status(leaver, fid), await status(outsider, fid)]).to.deep.equal([200, 200, 404]);
    await api.http.delete(`/group/${group.id}/members/${leaver.uid}`, { token: leaver.token });
    expect(await status(leaver, fid)).to.equal(404);
  });

  it('recalling the only message carrying a fid takes away the access it gave; a forward widens it', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const ab = await befriend(api.http, a, b);
    const bc = await befriend(api.http, b, c);
    const fid = await upload(a);
    const original = await sendFile(a, ab, fid);
    const forwarded = await api.http.post(`/chats/${bc}/messages`, { token: b.token, json: { client_generated_id: `fw-${randomBytes(5).toString('hex')}`, forward_from_id: original.body.id } });
    expect(forwarded.status).to.equal(201);
    expect(forwarded.body.file.fid).to.equal(fid);
    expect(await status(c, fid)).to.equal(200);

    expect((await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: original.body.id } })).status).to.equal(200);
    // b still sees the forward they sent; c still sees it too. Recall it, and only the uploader remains.
    expect([await status(b, fid), await status(c, fid)]).to.deep.equal([200, 200]);
    expect((await api.http.post('/chats/message/recall', { token: b.token, json: { msg_id: forwarded.body.id } })).status).to.equal(200);
    expect([await status(a, fid), await status(b, fid), await status(c, fid)]).to.deep.equal([200, 404, 404]);
  });
});
