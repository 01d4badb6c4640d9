/** A JSON Schema (2020-12, as the api's OpenAPI document writes it) as a TypeScript type expression. */
export type JsonSchema = { [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (identifier.test(name) ? name : JSON.stringify(name));
const indent = (depth: number) => '  '.repeat(depth);

/** Turns a description into a JSDoc line (or nothing). */
export function docComment(description: unknown, depth: number): string {
  if (typeof description !== 'string' || description === '') return '';
  return `${indent(depth)}/** ${description.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n`;
}

/** `refName` maps a `$ref` (e.g. `#/components/schemas/Error`) to a type name. */
export function schemaToTs(schema: unknown, depth = 0, refName: (ref: string) => string = (ref) => ref.split('/').pop() ?? 'unknown'): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isSchema(schema)) return 'unknown';
  const at = (s: unknown) => schemaToTs(s, depth, refName);
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.anyOf)) return union(schema.anyOf.map(at));
  if (Array.isArray(schema.oneOf)) return union(schema.oneOf.map(at));
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s) => `(${at(s)})`).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? objectType(schema, depth, refName) : 'unknown';
  return union(types.map((type) => {
    switch (type) {
      case 'string': return 'string';
      case 'integer':
      case 'number': return 'number';
      case 'boolean': return 'boolean';
      case 'null': return 'null';
      case 'array': return isSchema(schema.items) || schema.items === true ? `Array<${at(schema.items)}>` : 'unknown[]';
      case 'object': return objectType(schema, depth, refName);
      default: return 'unknown';
    }
  }));
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 1 ? (unique[0] ?? 'unknown') : unique.map((p) => (p.includes('=>') ? `(${p})` : p)).join(' | ');
}

function objectType(schema: JsonSchema, depth: number, refName: (ref: string) => string): string {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const lines = Object.entries(properties).map(([name, child]) => {
    const doc = isSchema(child) ? docComment(child.description, depth + 1) : '';
    return `${doc}${indent(depth + 1)}${key(name)}${required.has(name) ? '' : '?'}: ${schemaToTs(child, depth + 1, refName)};`;
  });
  const extra = schema.additionalProperties;
  if (isSchema(extra) || (extra === true && lines.length === 0) || (extra === undefined && lines.length === 0)) {
    lines.push(`${indent(depth + 1)}[key: string]: ${isSchema(extra) ? schemaToTs(extra, depth + 1, refName) : 'unknown'};`);
  }
  return `{\n${lines.join('\n')}\n${indent(depth)}}`;
}
