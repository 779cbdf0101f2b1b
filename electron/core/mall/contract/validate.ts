import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { formatFenAsYuan, multiplyByRate, sumFen, type Fen } from '../../money';
import { parseMallMoney } from './money-memo';
import { mallOpenApiDocument } from './openapi-document';
import type { MallRecordResource } from './types';

export type ContractCheck = { ok: true } | { ok: false; reason: string };

const documentId = 'https://ledgerdesk.invalid/mall-openapi.json';

const schemaNameByResource: Record<MallRecordResource, string> = {
  members: 'Member',
  orders: 'Order',
  refunds: 'Refund',
  topups: 'Topup',
  points: 'PointsMovement',
  commissions: 'Commission',
  withdrawals: 'Withdrawal',
  member_balances: 'MemberBalance',
  daily_summaries: 'DailySummary',
};

// OpenAPI 3.1 schemas are JSON Schema 2020-12. The whole document is registered once so that
// every `#/components/schemas/...` reference resolves inside it; strict mode is off because the
// document carries OpenAPI keywords (openapi, paths, example) that are not JSON Schema.
let sharedAjv: Ajv2020 | null = null;
const compiledByPointer = new Map<string, ValidateFunction>();

function contractAjv(): Ajv2020 {
  if (sharedAjv === null) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...mallOpenApiDocument, $id: documentId });
    sharedAjv = ajv;
  }
  return sharedAjv;
}

function escapePointerPart(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

function validatorAt(pointerParts: readonly string[]): ValidateFunction {
  const pointer = '#/' + pointerParts.map(escapePointerPart).join('/');
  let validate = compiledByPointer.get(pointer);
  if (validate === undefined) {
    validate = contractAjv().compile({ $ref: documentId + pointer });
    compiledByPointer.set(pointer, validate);
  }
  return validate;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match the contract';
  return errors
    .slice(0, 5)
    .map((error) => {
      const where = error.instancePath === '' ? '(record)' : error.instancePath;
      const allowed = error.keyword === 'enum' ? ` ${JSON.stringify(error.params.allowedValues)}` : '';
      return `${where} ${error.message ?? error.keyword}${allowed}`;
    })
    .join('; ');
}

function checkSchema(validate: ValidateFunction, value: unknown): ContractCheck {
  if (validate(value)) return { ok: true };
  return { ok: false, reason: describeErrors(validate.errors) };
}

/** The record's schema in the contract, e.g. 'Order' for 'orders'. */
export function contractSchemaName(resource: MallRecordResource): string {
  return schemaNameByResource[resource];
}

/**
 * Checks one record against the contract: its JSON schema (unknown enum values, missing fields,
 * malformed money) and then the amount identities the mall guarantees.
 */
export function validateMallRecord(resource: MallRecordResource, record: unknown): ContractCheck {
  const schemaName = schemaNameByResource[resource];
  if (schemaName === undefined) return { ok: false, reason: `unknown resource "${String(resource)}"` };
  const schemaCheck = checkSchema(validatorAt(['components', 'schemas', schemaName]), record);
  if (!schemaCheck.ok) return { ok: false, reason: `${schemaName}: ${schemaCheck.reason}` };
  const identityProblem = amountIdentityProblem(resource, record as Record<string, unknown>);
  if (identityProblem !== null) return { ok: false, reason: `${schemaName}: ${identityProblem}` };
  return { ok: true };
}

// After the schema check every Money field matches ^-?[0-9]+\.[0-9]{2}$, so parsing cannot fail;
// if it does, the schema and this code disagree, which is our bug.
function money(record: Record<string, unknown>, field: string): Fen {
  const parsed = parseMallMoney(String(record[field]));
  if (!parsed.ok) throw new Error(`contract validator: ${field} passed the schema but is not money: ${parsed.error}`);
  return parsed.value;
}

function yuan(amount: Fen): string {
  return formatFenAsYuan(amount);
}

/** The identities listed in the contract's description; null when they all hold. */
export function amountIdentityProblem(resource: MallRecordResource, record: Record<string, unknown>): string | null {
  switch (resource) {
    case 'orders':
      return orderIdentityProblem(record);
    case 'refunds': {
      const amount = money(record, 'amount');
      const parts = sumFen([money(record, 'channel_amount'), money(record, 'stored_value_amount'), money(record, 'balance_amount')]);
      if (amount !== parts) {
        return `amount ${yuan(amount)} != channel_amount + stored_value_amount + balance_amount = ${yuan(parts)}`;
      }
      return null;
    }
    case 'commissions': {
      const basis = money(record, 'basis_amount');
      const amount = money(record, 'amount');
      const expected = multiplyByRate(basis, String(record.rate), 'half-up');
      if (amount !== expected) {
        return `amount ${yuan(amount)} != round_half_up(basis_amount ${yuan(basis)} x rate ${String(record.rate)}) = ${yuan(expected)}`;
      }
      return null;
    }
    case 'withdrawals': {
      const amount = money(record, 'amount');
      const fee = money(record, 'fee');
      const net = money(record, 'net_amount');
      if (net !== amount - fee) {
        return `net_amount ${yuan(net)} != amount ${yuan(amount)} - fee ${yuan(fee)}`;
      }
      return null;
    }
    default:
      return null;
  }
}

function orderIdentityProblem(record: Record<string, unknown>): string | null {
  const goods = money(record, 'goods_amount');
  const due = goods + money(record, 'shipping_amount') - money(record, 'coupon_discount') - money(record, 'points_deduction_amount');
  const tendered = money(record, 'paid_amount') + money(record, 'stored_value_amount') + money(record, 'balance_amount');
  if (due !== tendered) {
    return (
      `goods_amount + shipping_amount - coupon_discount - points_deduction_amount = ${yuan(due as Fen)} ` +
      `!= paid_amount + stored_value_amount + balance_amount = ${yuan(tendered as Fen)}`
    );
  }
  const lines = record.lines as Array<Record<string, unknown>>;
  const lineSum = sumFen(lines.map((line) => money(line, 'amount')));
  if (lineSum !== goods) {
    return `order lines sum to ${yuan(lineSum)} but goods_amount is ${yuan(goods)}`;
  }
  return null;
}

const templatePaths = Object.keys((mallOpenApiDocument.paths ?? {}) as Record<string, unknown>);

/** '/v1/withdrawals/w_1/decision?x=1' -> '/v1/withdrawals/{id}/decision'; null when no path matches. */
export function contractPathTemplate(requestPath: string): string | null {
  const path = requestPath.split('?')[0];
  for (const template of templatePaths) {
    const pattern = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (pattern.test(path)) return template;
  }
  return null;
}

interface OperationObject {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * Checks a whole HTTP response against the contract. A status the operation does not list is
 * accepted only when it is one of the contract's general errors (401, 404, 409, 422, 429, 5xx)
 * with an Error body. A listed response without a JSON schema accepts any body.
 */
export function validateResponse(path: string, method: string, status: number, body: unknown): ContractCheck {
  const template = contractPathTemplate(path);
  if (template === null) return { ok: false, reason: `path ${path} is not in the contract` };
  const paths = mallOpenApiDocument.paths as Record<string, Record<string, OperationObject>>;
  const lowerMethod = method.toLowerCase();
  const operation = paths[template][lowerMethod];
  if (operation === undefined) return { ok: false, reason: `${method.toUpperCase()} ${template} is not in the contract` };
  const statusKey = String(status);
  const response = operation.responses?.[statusKey];
  if (response === undefined) {
    const generalError = [401, 404, 409, 422, 429].includes(status) || (status >= 500 && status <= 599);
    if (!generalError) return { ok: false, reason: `status ${status} is not listed for ${method.toUpperCase()} ${template}` };
    const check = checkSchema(validatorAt(['components', 'schemas', 'Error']), body);
    return check.ok ? check : { ok: false, reason: `${status} body: ${check.reason}` };
  }
  if (response.content?.['application/json']?.schema === undefined) return { ok: true };
  const validate = validatorAt(['paths', template, lowerMethod, 'responses', statusKey, 'content', 'application/json', 'schema']);
  const check = checkSchema(validate, body);
  if (!check.ok) return { ok: false, reason: `${method.toUpperCase()} ${template} ${status}: ${check.reason}` };
  // The schema checks each record's shape; the identities are part of the contract too.
  const itemResource = resourceOfListPath(template);
  if (itemResource !== null && status === 200 && lowerMethod === 'get') {
    const data = (body as { data: unknown[] }).data;
    for (let index = 0; index < data.length; index += 1) {
      const problem = amountIdentityProblem(itemResource, data[index] as Record<string, unknown>);
      if (problem !== null) return { ok: false, reason: `${template} data[${index}]: ${problem}` };
    }
  }
  if ((template.endsWith('/decision') || template.endsWith('/payout-result')) && status === 200) {
    const problem = amountIdentityProblem('withdrawals', body as Record<string, unknown>);
    if (problem !== null) return { ok: false, reason: `${template}: ${problem}` };
  }
  return { ok: true };
}

function resourceOfListPath(template: string): MallRecordResource | null {
  const byPath: Record<string, MallRecordResource> = {
    '/v1/members': 'members',
    '/v1/orders': 'orders',
    '/v1/refunds': 'refunds',
    '/v1/topups': 'topups',
    '/v1/points': 'points',
    '/v1/commissions': 'commissions',
    '/v1/withdrawals': 'withdrawals',
    '/v1/member-balances': 'member_balances',
    '/v1/daily-summaries': 'daily_summaries',
  };
  return byPath[template] ?? null;
}

/** Checks a request body against the operation's requestBody schema (for the demo mall's write endpoints). */
export function validateRequestBody(path: string, method: string, body: unknown): ContractCheck {
  const template = contractPathTemplate(path);
  if (template === null) return { ok: false, reason: `path ${path} is not in the contract` };
  const lowerMethod = method.toLowerCase();
  const paths = mallOpenApiDocument.paths as Record<string, Record<string, { requestBody?: unknown }>>;
  if (paths[template][lowerMethod]?.requestBody === undefined) {
    return { ok: false, reason: `${method.toUpperCase()} ${template} takes no request body` };
  }
  return checkSchema(validatorAt(['paths', template, lowerMethod, 'requestBody', 'content', 'application/json', 'schema']), body);
}
