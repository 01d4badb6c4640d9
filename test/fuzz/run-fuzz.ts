import { Agent } from 'node:http';
import fc from 'fast-check';
import type { OpenApiDocument, Operation } from '../../api/docs/openapi.ts';
import type { Pools } from './fixtures.ts';
import { requestArbitrary, type RequestPlan } from './request-arbitrary.ts';
import { ResponseChecker, type Violation } from './response-check.ts';
import { sendPlan, type Sent } from './send-plan.ts';

export const ROUTE_GROUPS = ['users', 'friends', 'groups', 'chats', 'files', 'operations'] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

export interface GroupStats {
  group: RouteGroup;
  operations: number;
  cases: number;
  server_errors: number;
  error_shape: number;
  undocumented: number;
  schema_mismatch: number;
  no_answer: number;
  statuses: Record<string, number>;
}

export interface Failure {
  violation: Violation | 'no_answer';
  operation: string;
  status?: number;
  why: string;
  sent?: Sent;
}

/** The operations of the document in a group (its tag), without the queue board (a separate application). */
export function operationsOf(document: OpenApiDocument, group: RouteGroup): { path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, operation]) => operation?.tags.includes(group) && !path.startsWith('/admin/'))
      .map(([method, operation]) => ({ path, method, operation: operation as Operation })),
  );
}

/**
 * Runs `casesPerGroup` generated requests against every operation of a group (spread evenly),
 * `concurrency` at a time, each judged against the document. Reproducible from `seed` (the plans;
 * the ids they draw depend on what earlier requests created).
 */
export async function fuzzGroup(
  baseUrl: string,
  document: OpenApiDocument,
  pools: Pools,
  group: RouteGroup,
  options: { casesPerGroup: number; seed: number; concurrency: number; onFailure: (failure: Failure) => void },
): Promise<GroupStats> {
  const checker = new ResponseChecker(document);
  const operations = operationsOf(document, group);
  const stats: GroupStats = { group, operations: operations.length, cases: 0, server_errors: 0, error_shape: 0, undocumented: 0, schema_mismatch: 0, no_answer: 0, statuses: {} };
  if (operations.length === 0) return stats;
  const perOperation = Math.ceil(options.casesPerGroup / operations.length);
  const arbitraries = operations.map(({ path, method, operation }) => ({ operation, name: `${method.toUpperCase()} ${path}`, arbitrary: requestArbitrary(document, path, method, operation) }));
  // Plans are made a batch at a time (bounded memory), every operation in each batch, shuffled so
  // state changes (a group disbanded, a friend removed) spread over the run.
  const BATCH = 50;
  let batchIndex = 0;
  const makeBatch = (): { operation: Operation; name: string; plan: RequestPlan }[] => {
    const size = Math.min(BATCH, perOperation - batchIndex * BATCH);
    if (size <= 0) return [];
    const batch = arbitraries.flatMap(({ operation, name, arbitrary }, i) =>
      fc.sample(arbitrary, { seed: options.seed + i * 7919 + batchIndex * 104_729, numRuns: size }).map((plan) => ({ operation, name, plan })),
    );
    const order = fc.sample(fc.shuffledSubarray(batch, { minLength: batch.length, maxLength: batch.length }), { seed: options.seed + batchIndex, numRuns: 1 })[0] ?? batch;
    batchIndex++;
    return order;
  };
  let queue = makeBatch();
  const take = () => {
    if (queue.length === 0) queue = makeBatch();
    return queue.shift();
  };

  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const worker = async () => {
    for (let job = take(); job; job = take()) {
      stats.cases++;
      let result: Awaited<ReturnType<typeof sendPlan>>;
      try {
        result = await sendPlan(url, agent, job.plan, pools);
      } catch (err) {
        stats.no_answer++;
        options.onFailure({ violation: 'no_answer', operation: job.name, why: (err as Error).message });
        continue;
      }
      const { sent, answer } = result;
      stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
      if (process.env.FUZZ_VERBOSE && job.name.includes(process.env.FUZZ_VERBOSE)) console.log(`      ${job.name} ${answer.status} ${answer.text.slice(0, 160)}`);
      if (answer.status >= 200 && answer.status < 300 && answer.contentType.includes('json')) {
        try {
          pools.harvest(JSON.parse(answer.text));
        } catch {
          // judged below
        }
      }
      const verdict = checker.check(job.operation, answer);
      if (!verdict) continue;
      if (verdict.violation === 'server_error') stats.server_errors++;
      else if (verdict.violation === 'error_shape') stats.error_shape++;
      else if (verdict.violation === 'undocumented_status') stats.undocumented++;
      else stats.schema_mismatch++;
      options.onFailure({ violation: verdict.violation, operation: job.name, status: answer.status, why: verdict.why, sent });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return stats;
}
