import { expect } from 'chai';
import { Connections, type Socket, type SocketData } from '../../realtime/connections.ts';

/** A stand-in for a uWS socket: it records what it was sent and whether it was ended. */
function fakeSocket(uid: string) {
  const data: SocketData = { credentials: undefined, refusal: undefined, auth: { uid, clientKey: 'k'.repeat(16), clientType: 'web' }, lastHeardAt: 0, sessionExpiresAt: 0, checkingSession: false, closed: false };
  const sent: string[] = [];
  const ws = { getUserData: () => data, send: (frame: string) => (sent.push(frame), 1), end: () => undefined } as unknown as Socket;
  return { ws, sent };
}

describe('realtime connections index', () => {
  it('tells a user\'s first and last socket apart, with one socket or several', () => {
    const connections = new Connections();
    const a = fakeSocket('u1');
    const b = fakeSocket('u1');
    expect(connections.add(a.ws, 'u1')).to.equal(true);
    expect(connections.add(b.ws, 'u1')).to.equal(false);
    expect(connections.socketsOf('u1')).to.have.members([a.ws, b.ws]);
    expect(connections.sendToUser('u1', 'f')).to.equal(2);
    expect(connections.remove(a.ws, 'u1').lastOfUser).to.equal(false);
    expect(connections.socketsOf('u1')).to.deep.equal([b.ws]);
    expect(connections.remove(b.ws, 'u1').lastOfUser).to.equal(true);
    expect(connections.users()).to.deep.equal([]);
    expect(connections.size).to.equal(0);
  });

  it('answers a large group\'s first and last socket on the node, and the chats a closing socket empties', () => {
    const connections = new Connections();
    const a = fakeSocket('u1');
    const b = fakeSocket('u2');
    connections.add(a.ws, 'u1');
    connections.add(b.ws, 'u2');
    expect(connections.joinChat(a.ws, '7')).to.equal(true);
    expect(connections.joinChat(a.ws, '7')).to.equal(false);
    expect(connections.joinChat(b.ws, '7')).to.equal(false);
    expect(connections.joinChat(a.ws, '8')).to.equal(true);
    expect(connections.chatsOf(a.ws)).to.have.members(['7', '8']);
    expect(connections.leaveChat(b.ws, '7')).to.equal(false);
    expect(connections.remove(a.ws, 'u1').emptiedChats).to.have.members(['7', '8']);
    expect(connections.joinChat(a.ws, '9')).to.equal(false); // a removed socket joins nothing
  });

  it('holds back a large group\'s frame from members who block the sender, as blocks change', () => {
    const connections = new Connections();
    const blocker = fakeSocket('u1');
    const other = fakeSocket('u2');
    connections.add(blocker.ws, 'u1');
    connections.add(other.ws, 'u2');
    connections.setBlocks('u1', []);
    connections.setBlocks('u2', []);
    connections.joinChat(blocker.ws, '7');
    connections.joinChat(other.ws, '7');
    expect(connections.sendToChat('7', 'sender', 'f1')).to.equal(2);
    connections.updateBlock('u1', 'sender', true);
    expect(connections.sendToChat('7', 'sender', 'f2')).to.equal(1);
    expect(blocker.sent).to.deep.equal(['f1']);
    connections.updateBlock('u1', 'sender', false);
    expect(connections.sendToChat('7', 'sender', 'f3')).to.equal(2);
    connections.setBlocks('u2', ['sender']);
    expect(connections.sendToChat('7', 'sender', 'f4')).to.equal(1);
    expect(other.sent).to.deep.equal(['f1', 'f2', 'f3']);
    // A user not connected here keeps no blocks: they are read again when they connect.
    connections.updateBlock('u3', 'sender', true);
    const late = fakeSocket('u3');
    connections.add(late.ws, 'u3');
    connections.joinChat(late.ws, '7');
    expect(connections.sendToChat('7', 'sender', 'f5')).to.equal(2);
  });
});
