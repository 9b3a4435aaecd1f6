import { optBool, optNumber, UsageError, type Command } from '../command';
import { assertRendererBuilt, defaultRendererDir } from '../../host/paths';
import { openBrowser } from '../../host/open-browser';
import { startHost } from '../../host/server';
import { closeApp, createApp, defaultWorkerFile } from '../../services/index';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve ConvLab to a browser on 127.0.0.1 (prints the URL with its per-run token).',
  details: 'The same services as the desktop app, over a WebSocket that only this machine can reach. Ctrl+C stops it.',
  options: [
    { name: 'port', type: 'int', placeholder: 'N', description: 'port to listen on (default 0: a free port)' },
    { name: 'open', type: 'boolean', negatable: true, description: 'open the URL in a browser (default: open; --no-open to skip)' },
    { name: 'threads', type: 'int', placeholder: 'N', description: 'worker threads for jobs (default 1)' },
  ],
  async run(args, io) {
    const port = optNumber(args, 'port') ?? 0;
    if (port < 0 || port > 65535) throw new UsageError(`--port must be between 0 and 65535, got ${port}`);
    const threads = optNumber(args, 'threads') ?? 1;
    if (threads < 1 || threads > 256) throw new UsageError(`--threads must be between 1 and 256, got ${threads}`);
    const rendererDir = defaultRendererDir();
    assertRendererBuilt(rendererDir);
    const app = createApp({ workerFile: defaultWorkerFile(), threads });
    let host;
    try {
      host = await startHost({ app, rendererDir, port, log: (line) => io.err(`host: ${line}`) });
    } catch (e) {
      await closeApp(app);
      throw e;
    }
    io.out(`ConvLab is serving at ${host.url}`);
    io.out('Press Ctrl+C to stop.');
    if (optBool(args, 'open', true) && !(await openBrowser(host.url))) io.err('could not open a browser; open the URL above yourself');
    await io.interrupted;
    await host.close();
    await closeApp(app);
    return 0;
  },
};
