import fc from 'fast-check';

/** A value drawn at send time from what exists (ids of fixtures and of things the fuzz created). */
export class PoolRef {
  constructor(
    readonly pool: PoolName,
    readonly pick: number,
  ) {}
}

export type PoolName = 'uid' | 'chat_id' | 'msg_id' | 'group_id' | 'request_id' | 'application_id' | 'fid' | 'client_key' | 'emoji' | 'username';

/** Which pool a field or parameter of that name draws from. */
export const POOL_OF: Record<string, PoolName> = {
  uid: 'uid', user_id: 'uid', target_user_id: 'uid', user_ids: 'uid', mentions: 'uid', cursor_uid: 'uid',
  chat_id: 'chat_id',
  msg_id: 'msg_id', reply_to_id: 'msg_id', reply_root_id: 'msg_id', forward_from_id: 'msg_id', before: 'msg_id',
  group_id: 'group_id', request_id: 'request_id', application_id: 'application_id',
  fid: 'fid', avatar_fid: 'fid',
  client_key: 'client_key', emoji: 'emoji', username: 'username',
};

export const poolRef = (pool: PoolName) => fc.nat(1_000_000).map((n) => new PoolRef(pool, n));

const INT8_MAX = '9223372036854775807';

/** Strings that break naive code: empty, huge, NUL, lone surrogates, RTL and combining marks, prototype keys, SQL and path tricks. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800', '\u202eevil\u202c', 'שלום عالم', 'e\u0301\u0301\u0301', 'Z\u0351\u0360\u0361',
    '\ufeff', '\u200b', '\uffff', '\u{10ffff}', '😀'.repeat(40), '__proto__', 'constructor', 'prototype', 'toString', "' OR 1=1 --", '../../etc/passwd',
    '%00', '%', '%zz', '${x}', '<script>', 'null', 'true', '0', '-1', '1e309', 'NaN', INT8_MAX, '9223372036854775808', '99999999999999999999', '-9223372036854775809',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), { minLength: 1, maxLength: 3 }).map((a) => `a${a.join('')}b`),
  fc.constantFrom(1_000, 70_000, 300_000).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, including deep nesting. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}),
  nastyString,
  // Deeper nesting is sent as raw text (see request-arbitrary.ts): the client could not serialise it.
  fc.integer({ min: 1, max: 300 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  fc.integer({ min: 1, max: 300 }).map((depth) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown),
  fc.dictionary(nastyString, fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 }),
);

/** Ids and numbers at the edges of the types behind them. */
export const edgeId = fc.constantFrom('0', '-1', '1', '01', '1.5', '1e3', ' 1', INT8_MAX, '9223372036854775808', '9999999999999999999', '18446744073709551616', '99999999999999999999', 'abc', '');
