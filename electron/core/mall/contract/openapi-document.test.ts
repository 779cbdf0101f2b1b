import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mallOpenApiDocument } from './openapi-document';
import { sharedPath } from '../../../../test/support/shared-directory';

describe('openapi-document.ts', () => {
  it('is the parsed openapi.yaml (regenerate with write-openapi-document.mjs when this fails)', () => {
    const yamlText = readFileSync(join(__dirname, 'openapi.yaml'), 'utf8');
    expect(mallOpenApiDocument).toEqual(parse(yamlText));
  });
});

const sharedContractPath = sharedPath('mall-api', 'openapi.yaml');
let sharedContractExists: boolean;
try {
  readFileSync(sharedContractPath);
  sharedContractExists = true;
} catch {
  sharedContractExists = false;
}

describe.skipIf(!sharedContractExists)('openapi.yaml', () => {
  it('is byte-identical to the mall contract in the shared folder', () => {
    expect(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8')).toBe(readFileSync(sharedContractPath, 'utf8'));
  });
});
