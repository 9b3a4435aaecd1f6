/**
 * The BrowserWindow options and navigation/sender policies, as pure functions so tests can
 * assert them (the Electron binary cannot run on CI machines). Only `import type` from electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../security/csp';

export function buildWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'ConvLab',
    show: false,
    backgroundColor: '#1e1e24',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/** The CSP header for the desktop window: the renderer loads from file:// and talks over IPC only. */
export function electronCsp(): string {
  return contentSecurityPolicy();
}

function stripped(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/** True only for the app's own page (query and hash ignored). */
export function isAppUrl(url: string | undefined, appUrl: string): boolean {
  if (!url) return false;
  const a = stripped(url);
  return a !== undefined && a === stripped(appUrl);
}

/** will-navigate: stay on the app page; everything else is blocked. */
export function allowNavigation(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/** setWindowOpenHandler: no new windows, ever. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** IPC sender check: the message must come from the main frame showing the app page. */
export function isTrustedSender(frame: { url: string; parent: object | null } | null | undefined, appUrl: string): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, appUrl);
}
