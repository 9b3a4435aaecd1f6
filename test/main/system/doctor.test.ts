import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { displayAvailable, doctor, electronBinary, findChromium, formatDoctor } from '../../../main/system/doctor';

describe('doctor', () => {
  it('decides about a display from the environment', () => {
    expect(displayAvailable({}, 'linux').ok).toBe(false);
    expect(displayAvailable({ DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, detail: 'X11 :0' });
    expect(displayAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux').ok).toBe(true);
    expect(displayAvailable({}, 'win32').ok).toBe(true);
  });

  it('finds Chromium only where it exists', () => {
    expect(findChromium({ PATH: '/nonexistent', CHROMIUM_PATH: '/nonexistent/chromium' })).toBe(existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  });

  it('reports the truth about the Electron binary and ONNX Runtime', () => {
    const report = doctor();
    const electron = report.checks.find((c) => c.name === 'Electron binary');
    expect(electron?.ok).toBe(electronBinary().found);
    const ort = report.checks.find((c) => c.name === 'ONNX Runtime');
    expect(ort?.ok).toBe(true);
    expect(ort?.detail).toMatch(/onnxruntime-node 1\.\d+\.\d+, providers: .*cpu/);
    expect(report.threads).toBeGreaterThan(0);
    expect(report.node).toBe(process.version);
    expect(formatDoctor(report)).toHaveLength(report.checks.length + 2);
  });
});
