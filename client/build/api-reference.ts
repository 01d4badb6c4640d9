import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A plain API reference, client/dist/API.md, from the declaration files tsc wrote: every module the
 * package entry re-exports, with its declarations and their doc comments. (TypeDoc needs the
 * TypeScript compiler API, which the native TypeScript 7 used here does not have.)
 */
const dist = new URL('../dist/', import.meta.url);
const entry = readFileSync(new URL('index.d.ts', dist), 'utf8');
const modules = [...new Set([...entry.matchAll(/from '\.\/(.+?)\.(?:js|ts)'/g)].map((m) => m[1] ?? ''))];
const sections = [`# @wetty/client API reference\n\nGenerated from the package's declaration files. The entry point:\n\n\`\`\`ts\n${entry.replace(/\n\/\/# sourceMappingURL=.*$/m, '').trim()}\n\`\`\``];
for (const name of modules) {
  const file = new URL(`${name}.d.ts`, dist);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=.*$/m, '').trim();
  sections.push(`## ${name}\n\n\`\`\`ts\n${text}\n\`\`\``);
}
const out = fileURLToPath(new URL('API.md', dist));
writeFileSync(out, `${sections.join('\n\n')}\n`);
console.log(`wrote ${out} (${modules.length} modules)`);
