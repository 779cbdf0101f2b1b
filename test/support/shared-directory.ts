import { join, resolve } from 'node:path';

/** `../shared` beside the repository (as CI lays it out); absent on a plain clone. */
export const sharedDirectory = resolve(__dirname, '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return join(sharedDirectory, ...parts);
}
