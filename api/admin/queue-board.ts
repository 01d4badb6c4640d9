import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Middleware } from 'koa';
import { allQueues, type Queues } from '../../shared/queues/producer.ts';
import type { ApiState } from '../http/context.ts';
import { requireOperator, type OperatorCredentials } from './operator-auth.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * bull-board for every queue, behind operator credentials. It is a Koa application of its own with
 * its own body parser, so it is mounted before the api's JSON body middleware; its answers (HTML,
 * assets, JSON) pass through untouched, and only the 401 goes through the api's error format.
 */
export function queueBoard(queues: Queues, operator: OperatorCredentials): Middleware<ApiState> {
  const adapter = new KoaAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: allQueues(queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Wetty queues' } },
  });
  const operatorOnly = requireOperator(operator);
  const board = adapter.registerPlugin();
  return (ctx, next) => {
    const under = ctx.path === QUEUE_BOARD_PATH || ctx.path.startsWith(`${QUEUE_BOARD_PATH}/`);
    return under ? operatorOnly(ctx, () => board(ctx, next)) : next();
  };
}
