/** Where the built pieces sit relative to the built main entries (out/main/*.js). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

export function assertRendererBuilt(dir: string): void {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the renderer is not built (no ${join(dir, 'index.html')}); run \`npm run build\` first`);
}
