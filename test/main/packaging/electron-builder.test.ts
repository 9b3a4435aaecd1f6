import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder cannot run here (it downloads Electron), but its schema check can.
const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '../../..');

interface Target {
  target: string[];
}
interface BuilderConfig {
  linux: Target;
  win: Target;
  mac: Target;
  asarUnpack: string[];
  files: unknown;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation and names the four installer targets', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
      validateConfiguration(config: BuilderConfig, logger: { isEnabled: boolean; add(k: string, v: unknown): void }): Promise<void>;
    };
    const config = await getConfig(root, resolve(root, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(JSON.stringify(config.files)).toContain('out/**/*');
    // The validator is not a no-op: an unknown key is refused.
    await expect(validateConfiguration({ ...config, ...{ instalerTargets: ['exe'] } }, { isEnabled: false, add: () => {} })).rejects.toThrow(/instalerTargets/);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['out/main/**', 'node_modules/onnxruntime-node/**']));
  });

  it('resolves the worker outside app.asar in a packaged app', async () => {
    const { defaultWorkerFile } = await import('../../../main/services/index');
    expect(defaultWorkerFile('file:///opt/ConvLab/resources/app.asar/out/main/index.js').href).toBe('file:///opt/ConvLab/resources/app.asar.unpacked/out/main/pool-worker.js');
    expect(defaultWorkerFile('file:///work/out/main/cli.js').href).toBe('file:///work/out/main/pool-worker.js');
  });
});
