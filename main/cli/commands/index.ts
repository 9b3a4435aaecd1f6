/**
 * The CLI command table. Adding a command = one file in this folder exporting a `Command`
 * (see ../command.ts) plus one line in this list.
 */
import type { Command } from '../command';
import { benchCommand } from './bench';
import { doctorCommand } from './doctor';
import { infoCommand } from './info';
import { serveCommand } from './serve';
import { trainCommand } from './train';

export const commands: readonly Command[] = [
  serveCommand,
  doctorCommand,
  infoCommand,
  trainCommand,
  benchCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
