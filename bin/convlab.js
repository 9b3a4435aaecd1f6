#!/usr/bin/env node
// `convlab` runs the built CLI (out/main/cli.js). Build first with `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(`convlab: not built yet (no ${cli}); run \`npm run build\` first\n`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
