import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { HttpClient } from './http-client.ts';

export interface TestUser {
  uid: string;
  username: string;
  password: string;
  token: string;
}

export const uniqueUsername = (stem = 'user') => `${stem}_${randomBytes(5).toString('hex')}`;

/** Registers a new user through the API and logs them in. */
export async function signUp(http: HttpClient, options: { clientType?: 'web' | 'mobile'; stem?: string } = {}): Promise<TestUser> {
  const username = uniqueUsername(options.stem);
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const registered = await http.post('/users/auth/register', { json: { username, password } });
  expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
  const token = await logIn(http, username, password, options.clientType ?? 'web');
  return { uid: registered.body.uid, username, password, token };
}

export async function logIn(http: HttpClient, username: string, password: string, clientType: 'web' | 'mobile' = 'web'): Promise<string> {
  const res = await http.post('/users/auth/login', { json: { username, password, client_type: clientType } });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.token;
}
