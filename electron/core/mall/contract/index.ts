export * from './types';
export { validateMallRecord, validateResponse, validateRequestBody, amountIdentityProblem, contractPathTemplate, contractSchemaName } from './validate';
export type { ContractCheck } from './validate';
export { mallOpenApiDocument } from './openapi-document';
