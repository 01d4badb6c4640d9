import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { apiDocument } from '../../api/docs/api-document.ts';
import { renderRoutes, routesFile } from '../../client/build/generate-routes.ts';

describe('client SDK: the generated route table', () => {
  it('is up to date with the api routes (run `npm run generate -w @wetty/client`)', () => {
    expect(readFileSync(routesFile, 'utf8') === renderRoutes(apiDocument()), 'client/src/generated/routes.ts is out of date').to.equal(true);
  });

  it('has an entry for every product route of the api document', () => {
    const text = readFileSync(routesFile, 'utf8');
    const document = apiDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (['GET /docs', 'GET /openapi.json'].includes(name) || path.startsWith('/admin/')) continue;
        expect(text, name).to.include(JSON.stringify(name));
      }
    }
  });
});
