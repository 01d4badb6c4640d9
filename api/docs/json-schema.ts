import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1). Inputs are described as the
 * client sends them (`io: 'input'`: a coerced query number is an integer, defaults are shown);
 * outputs as the server answers. Refinements cannot be expressed and are left out (their rule is in
 * the summary or docs/api.md); transforms and other unrepresentable parts become `{}` (any).
 * Definitions zod hoists into `$defs` (recursive schemas) are returned apart so the caller can put
 * them under `components.schemas`, with references rewritten to point there.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output', defsPrefix: string): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  const names = new Map(Object.keys(($defs as Record<string, JsonSchema> | undefined) ?? {}).map((key) => [`#/$defs/${key}`, `#/components/schemas/${defsPrefix}_${key}`]));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, key === '$ref' && typeof child === 'string' ? (names.get(child) ?? child) : rewrite(child)]),
    );
  };
  const defs = Object.fromEntries(
    Object.entries(($defs as Record<string, JsonSchema> | undefined) ?? {}).map(([key, def]) => [`${defsPrefix}_${key}`, rewrite(def) as JsonSchema]),
  );
  return { schema: rewrite(rest) as JsonSchema, defs };
}
