import { appendAudit } from '../../audit/audit-log';
import { LedgerdeskError } from '../../errors';
import { readSecret, readSetting, storeSecret, writeSetting, type Workspace } from '../../workspace';

/** The remembered mall connection: the URL in settings, the token sealed in the secrets table. */
export const MALL_URL_SETTING = 'mall.url';
export const MALL_TOKEN_SECRET = 'mall.token';

export interface MallConnection {
  url: string;
  token: string;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LedgerdeskError('invalid_input', `the mall URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LedgerdeskError('invalid_input', `the mall URL must be http(s), not ${parsed.protocol}`);
  }
  return url.replace(/\/+$/, '');
}

/** Remembers the URL and/or token (each only when given); the token is never logged. */
export function saveMallConnection(workspace: Workspace, input: { url?: string; token?: string }, userName: string): void {
  const now = workspace.clock.now();
  workspace.sqlite.transaction(() => {
    if (input.url !== undefined) writeSetting(workspace.sqlite, MALL_URL_SETTING, checkUrl(input.url), userName, now);
    if (input.token !== undefined) {
      if (!input.token) throw new LedgerdeskError('invalid_input', 'the mall API token is empty');
      storeSecret(workspace.sqlite, workspace.secrets, MALL_TOKEN_SECRET, input.token, now);
    }
    appendAudit(
      workspace.sqlite,
      { userName, action: 'mall.connection', objectType: 'settings', objectId: MALL_URL_SETTING, detail: { url: input.url ?? null, token_changed: input.token !== undefined } },
      now,
    );
  })();
}

/** The connection to use: what is given, else what is remembered; a missing part is a usage error. */
export function resolveMallConnection(workspace: Workspace, input: { url?: string; token?: string }): MallConnection {
  const url = input.url ? checkUrl(input.url) : readSetting<string | null>(workspace.sqlite, MALL_URL_SETTING, null);
  if (!url) throw new LedgerdeskError('usage', 'no mall connection yet: pass --mall-url URL --mall-token-env VAR once');
  const token = input.token ?? readSecret(workspace.sqlite, workspace.secrets, MALL_TOKEN_SECRET);
  if (!token) throw new LedgerdeskError('usage', 'no mall API token stored: pass --mall-token-env VAR (the name of an environment variable holding it)');
  return { url, token };
}
