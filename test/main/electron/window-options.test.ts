import { describe, expect, it } from 'vitest';
import { allowNavigation, buildWindowOptions, electronCsp, isAppUrl, isTrustedSender, windowOpenDecision } from '../../../main/electron/window-options';

const appUrl = 'file:///opt/convlab/out/renderer/index.html';

describe('Electron window security settings', () => {
  const opts = buildWindowOptions('/opt/convlab/out/preload/index.cjs');
  const web = opts.webPreferences ?? {};

  it('isolates and sandboxes the renderer', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('loads the CommonJS preload', () => {
    expect(web.preload).toBe('/opt/convlab/out/preload/index.cjs');
  });

  it('sends a strict CSP: no inline or remote script, no eval, no plugins, no framing', () => {
    const csp = electronCsp();
    const directives = new Map(csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('allows navigation only to the app page and denies every new window', () => {
    expect(allowNavigation(appUrl, appUrl)).toBe(true);
    expect(allowNavigation(`${appUrl}#/project`, appUrl)).toBe(true);
    expect(allowNavigation('https://example.com/', appUrl)).toBe(false);
    expect(allowNavigation('file:///etc/passwd', appUrl)).toBe(false);
    expect(allowNavigation('javascript:alert(1)', appUrl)).toBe(false);
    expect(allowNavigation('not a url', appUrl)).toBe(false);
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('trusts IPC only from the main frame showing the app page', () => {
    expect(isTrustedSender({ url: appUrl, parent: null }, appUrl)).toBe(true);
    expect(isTrustedSender({ url: appUrl, parent: {} }, appUrl)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, appUrl)).toBe(false);
    expect(isTrustedSender(null, appUrl)).toBe(false);
    expect(isAppUrl(undefined, appUrl)).toBe(false);
  });
});
