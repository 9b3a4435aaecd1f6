/**
 * Electron main entry (out/main/index.js). Thin glue: the window options, CSP and policies
 * come from window-options.ts (unit-tested); services and dispatch are the same as the host's.
 */
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dispatch } from '../contract/dispatch';
import { IPC_EVENT, IPC_REQUEST } from '../contract/names';
import type { ResponseMessage } from '../contract/types';
import { closeApp, createApp, createHandlers, defaultWorkerFile } from '../services/index';
import { allowNavigation, buildWindowOptions, electronCsp, isTrustedSender, windowOpenDecision } from './window-options';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const appUrl = pathToFileURL(join(here, '../renderer/index.html')).href;

app.enableSandbox();

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => windowOpenDecision());
});

app.whenReady().then(() => {
  const services = createApp({ workerFile: defaultWorkerFile() });
  const handlers = createHandlers(services, 'electron');

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [electronCsp()] } });
  });

  ipcMain.handle(IPC_REQUEST, async (event, raw: unknown): Promise<ResponseMessage> => {
    if (!isTrustedSender(event.senderFrame, appUrl)) {
      return { type: 'response', id: null, ok: false, error: { code: 'forbidden', message: 'request from a frame that is not the ConvLab window' } };
    }
    return dispatch(handlers, raw);
  });

  const win = new BrowserWindow(buildWindowOptions(preloadPath));
  const off = services.pool.subscribe((msg) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, msg);
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', off);
  void win.loadURL(appUrl);

  app.on('window-all-closed', () => {
    void closeApp(services).finally(() => app.quit());
  });
});
