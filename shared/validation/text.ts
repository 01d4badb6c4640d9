/**
 * Text that no field may hold, whatever its own rules: NUL (PostgreSQL text cannot store it) and a
 * lone UTF-16 surrogate (it has no UTF-8 form, so it would be stored as U+FFFD and come back as a
 * different string than the one validated). Checked once for every input of every route.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone UTF-16 surrogate';
  return null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Nesting beyond this is not walked further (bodies are already limited in size by the parser). */
const MAX_DEPTH = 64;

/**
 * Every string (value or object key) inside `value` that `textProblem` refuses, named by its path
 * (`message`, `user_ids.3`), with `prefix` before it. At most `max` problems are listed. Every
 * request's input passes through here, so the walk allocates nothing until it finds a problem.
 */
export function findTextProblems(value: unknown, prefix: readonly (string | number)[] = [], max = 20): FieldProblem[] {
  const found: FieldProblem[] = [];
  visitText(value, [...prefix], 0, found, max);
  return found;
}

/** One node of `findTextProblems`' walk; `path` is the node's, shared along the walk (pushed and popped). */
function visitText(node: unknown, path: (string | number)[], depth: number, found: FieldProblem[], max: number): void {
  if (found.length >= max) return;
  if (typeof node === 'string') {
    const problem = textProblem(node);
    if (problem) found.push({ field: path.join('.') || '(body)', message: problem });
    return;
  }
  if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      visitText(node[i], path, depth + 1, found, max);
      path.pop();
    }
    return;
  }
  for (const key of Object.keys(node)) {
    const keyProblem = textProblem(key);
    path.push(keyProblem ? '(key)' : key);
    if (keyProblem) found.push({ field: path.join('.'), message: keyProblem });
    else visitText((node as Record<string, unknown>)[key], path, depth + 1, found, max);
    path.pop();
  }
}

/**
 * The same string as PostgreSQL will hand it back: a lone surrogate becomes U+FFFD. For comparing a
 * stored text with the one a request carries.
 */
export const asStored = (value: string): string => Buffer.from(value, 'utf8').toString('utf8');
