// Regenerates openapi-document.ts from openapi.yaml (the mall's fixed contract), so bundled code
// needs no file I/O. Run: node electron/core/mall/contract/write-openapi-document.mjs
// openapi-document.test.ts fails when the two drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const folder = dirname(fileURLToPath(import.meta.url));
const document = parse(readFileSync(join(folder, 'openapi.yaml'), 'utf8'));
const source = `// GENERATED from openapi.yaml by write-openapi-document.mjs. Do not edit by hand.
export const mallOpenApiDocument: Record<string, unknown> = ${JSON.stringify(document, null, 2)};
`;
writeFileSync(join(folder, 'openapi-document.ts'), source);
