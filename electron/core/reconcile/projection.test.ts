import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { projectedBodyValue, projectionMigrationSql } from './projection';

describe('reconcile projection', () => {
  it('is the SQL migration 0007 shipped (its triggers are gone since 0012; the sync runs the same SQL over bound fields)', () => {
    const shipped = readFileSync(join(__dirname, '..', '..', '..', 'db', 'migrations', '0007_reconcile_projection_triggers.sql'), 'utf8');
    expect(shipped.trim()).toBe(projectionMigrationSql().trim());
  });

  it('binds body fields as SQLite json_extract returns them from the JSON text', () => {
    const sqlite = new Database(':memory:');
    const extract = sqlite.prepare(`SELECT json_extract(?, '$.field') AS value`);
    const values = [undefined, null, '12.30', '', '支付宝', 7, -3, 12.5, true, false, { a: 1, b: ['x', null] }, ['x', 2]];
    for (const value of values) {
      const fromSqlite = (extract.get(JSON.stringify({ field: value })) as { value: unknown }).value;
      expect(projectedBodyValue(value), JSON.stringify(value)).toEqual(fromSqlite);
    }
    sqlite.close();
  });
});
