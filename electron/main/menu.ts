import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { IPC_MENU_CHANNEL, type MenuCommand } from '../api';

/** The native menu: every item that acts on the UI sends a MenuCommand to the window. */
export function installMenu(getWindow: () => BrowserWindow | null, isPackaged: boolean): void {
  const send = (command: MenuCommand) => () => getWindow()?.webContents.send(IPC_MENU_CHANNEL, command);
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '文件 File',
      submenu: [
        { label: '退出登录 Log out', click: send('logout') },
        { label: '关闭账套 Close workspace', click: send('closeWorkspace') },
        { type: 'separator' },
        { role: 'quit', label: '退出 Quit' },
      ],
    },
    { role: 'editMenu', label: '编辑 Edit' },
    {
      label: '视图 View',
      submenu: [
        { label: '总览 Dashboard', accelerator: 'CmdOrCtrl+1', click: send('navigate:dashboard') },
        { label: '账簿查询 Ledger search', accelerator: 'CmdOrCtrl+2', click: send('navigate:ledger') },
        { label: '审计日志 Audit log', accelerator: 'CmdOrCtrl+3', click: send('navigate:audit') },
        { label: '设置 Settings', accelerator: 'CmdOrCtrl+,', click: send('navigate:settings') },
        { type: 'separator' },
        { label: '中文', type: 'radio', checked: true, click: send('language:zh') },
        { label: 'English', type: 'radio', click: send('language:en') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        // Developer tools only in development builds.
        ...(isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu', label: '窗口 Window' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
