/**
 * Defines window.ledgerdesk in the test browser by calling the loopback bridge with fetch. Injected
 * with page.addInitScript (serialised, so it must be self-contained: no imports, no closures).
 * The shipped app never contains it: there the preload defines window.ledgerdesk over IPC.
 * `window.__ledgerdeskMenu(command)` plays a native menu click.
 */
export function installBridgeShim(handlerNames: readonly string[]): void {
  type Listener = (payload: unknown) => void;
  const menuListeners = new Set<Listener>();
  const progressListeners = new Set<Listener>();
  let events: EventSource | null = null;
  const api: Record<string, unknown> = {};
  for (const name of handlerNames) {
    api[name] = async (args: unknown) => {
      const response = await fetch(`/api/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(args ?? {}) });
      return response.json();
    };
  }
  api.onProgress = (listener: Listener) => {
    progressListeners.add(listener);
    if (!events) {
      events = new EventSource('/api/events');
      events.onmessage = (message) => {
        const payload = JSON.parse(message.data as string) as unknown;
        for (const each of progressListeners) each(payload);
      };
    }
    return () => progressListeners.delete(listener);
  };
  api.onMenuCommand = (listener: Listener) => {
    menuListeners.add(listener);
    return () => menuListeners.delete(listener);
  };
  // A browser page cannot learn a dropped file's path: the import screen offers a typed path list instead.
  api.pathForFile = () => null;
  Object.defineProperty(globalThis, 'ledgerdesk', { value: Object.freeze(api), writable: false, configurable: false });
  Object.defineProperty(globalThis, '__ledgerdeskMenu', {
    value: (command: string) => {
      for (const each of menuListeners) each(command);
    },
  });
}
