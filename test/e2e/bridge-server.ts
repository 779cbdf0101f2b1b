import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ProgressEvent } from '../../electron/api';
import type { Clock } from '../../electron/core/calendar/shanghai';
import { createHandlerSession, type HandlerSession } from '../../electron/main/handlers';
import { memoryRecentWorkspaceStore } from '../../electron/main/stores';
import { inProcessTaskRunner } from '../../electron/main/tasks';

/**
 * The loopback test bridge (DESIGN.md section 11): serves the built renderer and answers
 * POST /api/<handler> with the very handlers the Electron shell registers over IPC, so the
 * end-to-end tests drive the real UI on the real core. Listens on 127.0.0.1 only and refuses
 * calls from any other origin. Progress events are pushed as server-sent events on /api/events.
 * Test-only: nothing in the shipped app loads this file or the shim.
 */
export interface Bridge {
  url: string;
  handlers: HandlerSession;
  close(): Promise<void>;
}

export interface BridgeOptions {
  rendererDirectory: string;
  clock: Clock;
  suggestedWorkspacePath: string;
  demoDirectory: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// The app's policy (electron/main/security.ts) as a header as well as the page's meta tag.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const BODY_BYTES_MAX = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_BYTES_MAX) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(value));
}

function serveStatic(rendererDirectory: string, urlPath: string, response: ServerResponse): void {
  const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  const file = normalize(join(rendererDirectory, relative));
  if (!file.startsWith(rendererDirectory + sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(readFileSync(file));
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const rendererDirectory = resolve(options.rendererDirectory);
  if (!existsSync(join(rendererDirectory, 'index.html'))) throw new Error(`no built renderer in ${rendererDirectory}: run npx electron-vite build`);
  const eventClients = new Set<ServerResponse>();
  const handlers = createHandlerSession({
    appVersion: 'e2e',
    clock: options.clock,
    suggestedWorkspacePath: options.suggestedWorkspacePath,
    demoDirectory: options.demoDirectory,
    passphraseMemory: null,
    recentWorkspaces: memoryRecentWorkspaceStore(),
    taskRunner: inProcessTaskRunner,
    emitProgress(event: ProgressEvent) {
      for (const client of eventClients) client.write(`data: ${JSON.stringify(event)}\n\n`);
    },
  });
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/api/events' && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      response.write(': connected\n\n');
      eventClients.add(response);
      request.on('close', () => eventClients.delete(response));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (request.method !== 'POST') return sendJson(response, 405, { error: 'POST only' });
      // Same-origin only: another local page must not drive the books through the bridge.
      if (request.headers.origin !== origin) return sendJson(response, 403, { error: 'foreign origin' });
      const name = url.pathname.slice('/api/'.length);
      readBody(request)
        .then(async (body) => {
          let argument: unknown;
          try {
            argument = body ? JSON.parse(body) : {};
          } catch {
            return sendJson(response, 200, { ok: false, error: { code: 'invalid_input', message: 'the request body is not JSON' } });
          }
          sendJson(response, 200, await handlers.dispatch(name, argument));
        })
        .catch((error: unknown) => sendJson(response, 500, { ok: false, error: { code: 'internal', message: String(error) } }));
      return;
    }
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'GET only' });
    serveStatic(rendererDirectory, url.pathname, response);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const address = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/`,
    handlers,
    async close() {
      for (const client of eventClients) client.end();
      handlers.close();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
