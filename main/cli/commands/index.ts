/**
 * The CLI command table. Adding a command = one file in this folder exporting a `Command`
 * (see ../command.ts) plus one line in this list.
 */
import type { Command } from '../command';
import { benchCommand } from './bench';
import { doctorCommand } from './doctor';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { runCommand } from './run';
import { serveCommand } from './serve';
import { trainCommand } from './train';

export const commands: readonly Command[] = [
  serveCommand,
  doctorCommand,
  infoCommand,
  trainCommand,
  benchCommand,
  exportCommand,
  runCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
