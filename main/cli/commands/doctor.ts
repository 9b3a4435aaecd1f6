import { optBool, type Command } from '../command';
import { doctor, formatDoctor } from '../../system/doctor';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Report what works on this machine (Electron, ONNX Runtime, Chromium, display, threads, Node).',
  details: 'Exits 0 even when something is missing: missing pieces only limit what ConvLab can do.',
  options: [{ name: 'json', type: 'boolean', description: 'print the report as JSON' }],
  async run(args, io) {
    const report = doctor();
    if (optBool(args, 'json', false)) io.out(JSON.stringify(report, null, 2));
    else for (const line of formatDoctor(report)) io.out(line);
    return 0;
  },
};
