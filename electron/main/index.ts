import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, screen, type IpcMainInvokeEvent } from 'electron';
import { handlerNames, IPC_INVOKE_PREFIX, IPC_PROGRESS_CHANNEL, type ProgressEvent } from '../api';
import { fixedClock, systemClock } from '../core/calendar/shanghai';
import { createHandlerSession, type HandlerSession, type PassphraseMemory } from './handlers';
import { installMenu } from './menu';
import { hardenSession, lockDownContents } from './security';
import { fileRecentWorkspaceStore, safeStoragePassphraseMemory } from './stores';
import createTaskWorker from './task-worker?nodeWorker';
import { loadWindowState, saveWindowState, visibleBounds, windowStateFile, type WindowState } from './window-state';
import { createWorkerTaskRunner } from './worker-task-runner';

/**
 * The Electron shell: one instance, one sandboxed window, IPC handlers from handlers.ts.
 * Long operations run in worker threads (worker-task-runner.ts) and report progress as events.
 */

let mainWindow: BrowserWindow | null = null;
let handlers: HandlerSession | null = null;

const rendererDevUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererFile = join(__dirname, '../renderer/index.html');
const rendererFileUrl = pathToFileURL(rendererFile).href;

function isAppUrl(url: string): boolean {
  if (rendererDevUrl && url.startsWith(rendererDevUrl)) return true;
  return url.split('#')[0].split('?')[0] === rendererFileUrl;
}

function passphraseMemory(): PassphraseMemory | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  // On Linux without a key ring Electron falls back to a hard-coded key: that is not a secret store.
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return safeStoragePassphraseMemory(app.getPath('userData'), safeStorage);
}

function sendProgress(event: ProgressEvent): void {
  mainWindow?.webContents.send(IPC_PROGRESS_CHANNEL, event);
}

function createHandlers(): HandlerSession {
  const clock = process.env.LEDGERDESK_FIXED_NOW ? fixedClock(process.env.LEDGERDESK_FIXED_NOW) : systemClock;
  return createHandlerSession({
    appVersion: app.getVersion(),
    clock,
    suggestedWorkspacePath: join(app.getPath('documents'), 'Ledgerdesk', 'workspace.ldw'),
    demoDirectory: join(app.getPath('userData'), 'demo'),
    passphraseMemory: passphraseMemory(),
    recentWorkspaces: fileRecentWorkspaceStore(app.getPath('userData')),
    async chooseWorkspacePath(mode) {
      const owner = mainWindow ?? undefined;
      const filters = [{ name: 'Ledgerdesk workspace', extensions: ['ldw'] }];
      if (mode === 'create') {
        const result = owner
          ? await dialog.showSaveDialog(owner, { filters, defaultPath: 'workspace.ldw' })
          : await dialog.showSaveDialog({ filters, defaultPath: 'workspace.ldw' });
        return result.canceled ? null : (result.filePath ?? null);
      }
      const result = owner
        ? await dialog.showOpenDialog(owner, { filters, properties: ['openFile'] })
        : await dialog.showOpenDialog({ filters, properties: ['openFile'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseDirectory() {
      const options = { properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseFiles(purpose) {
      const filters =
        purpose === 'seal'
          ? [{ name: 'PKCS#12', extensions: ['p12', 'pfx'] }]
          : [{ name: 'Channel and bank files', extensions: ['csv', 'xlsx', 'xls', 'txt', 'zip', 'gz'] }, { name: 'All files', extensions: ['*'] }];
      const properties: ('openFile' | 'multiSelections')[] = purpose === 'seal' ? ['openFile'] : ['openFile', 'multiSelections'];
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, { filters, properties }) : await dialog.showOpenDialog({ filters, properties });
      return result.canceled ? null : result.filePaths;
    },
    async chooseBackupPath(mode, suggestedName) {
      const filters = mode === 'save' ? [{ name: 'Ledgerdesk backup', extensions: ['ldbak'] }] : [{ name: 'Ledgerdesk backup', extensions: ['ldbak', 'ldw'] }];
      if (mode === 'save') {
        const options = { filters, defaultPath: suggestedName };
        const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return result.canceled ? null : (result.filePath ?? null);
      }
      const options = { filters, properties: ['openFile'] as 'openFile'[] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async choosePayoutResultsFile() {
      const options = { filters: [{ name: 'Payout results (Excel)', extensions: ['xlsx'] }], properties: ['openFile'] as 'openFile'[] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    taskRunner: createWorkerTaskRunner(createTaskWorker),
    emitProgress: sendProgress,
  });
}

function registerIpc(session: HandlerSession): void {
  for (const name of handlerNames) {
    ipcMain.handle(`${IPC_INVOKE_PREFIX}${name}`, async (event: IpcMainInvokeEvent, argument: unknown) => {
      // Only our own page may call in (not an iframe or a page navigated to by mistake).
      const senderUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(senderUrl)) return { ok: false, error: { code: 'forbidden', message: 'IPC from an unknown origin' } };
      return session.dispatch(name, argument);
    });
  }
}

function trackWindowState(window: BrowserWindow, file: string): void {
  let state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
  const remember = () => {
    if (window.isDestroyed()) return;
    state = { bounds: window.isMaximized() ? state.bounds : window.getNormalBounds(), maximized: window.isMaximized() };
  };
  window.on('resize', remember);
  window.on('move', remember);
  window.on('close', () => {
    remember();
    saveWindowState(file, state);
  });
}

function createWindow(): BrowserWindow {
  const stateFile = windowStateFile(app.getPath('userData'));
  const saved = loadWindowState(stateFile);
  const bounds = visibleBounds(saved.bounds, screen.getAllDisplays().map((display) => display.workArea));
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Ledgerdesk',
    backgroundColor: '#f5f5f5',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  if (saved.maximized) window.maximize();
  trackWindowState(window, stateFile);
  lockDownContents(window.webContents, isAppUrl);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  if (rendererDevUrl) void window.loadURL(rendererDevUrl);
  else void window.loadFile(rendererFile);
  return window;
}

if (!app.requestSingleInstanceLock()) {
  // Another Ledgerdesk is running: it gets focus (second-instance) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, isAppUrl));

  void app.whenReady().then(() => {
    hardenSession();
    handlers = createHandlers();
    registerIpc(handlers);
    installMenu(() => mainWindow, app.isPackaged);
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    handlers?.close();
  });
}
