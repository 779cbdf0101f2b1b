import type { LedgerdeskApi } from '../../electron/api';

declare global {
  interface Window {
    /** Provided by the preload (Electron) or by the test bridge shim; never by the renderer itself. */
    ledgerdesk: LedgerdeskApi;
  }
}

export {};
