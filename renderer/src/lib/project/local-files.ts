/**
 * Importing a model file chosen with the browser's own file picker: an ONNX model (through the
 * core's importer, its weights kept) or a ConvLab graph .json (weights kept when it has them).
 * Projects themselves go through the contract (`project.*`), not through here.
 */
import { importOnnx, parseGraphJson, type ModelFile } from '../../../../core/index';

/** Let the user pick a file; resolves undefined when they cancel. */
export function pickFile(accept: string): Promise<File | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.addEventListener('change', () => resolve(input.files?.[0] ?? undefined), { once: true });
    input.addEventListener('cancel', () => resolve(undefined), { once: true });
    input.click();
  });
}

/** Bytes or text of a model file -> graph + weights. */
export function readModelBytes(name: string, bytes: Uint8Array): ModelFile {
  if (/\.onnx$/i.test(name)) {
    const m = importOnnx(bytes, name.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, ''));
    return { graph: m.graph, weights: m.weights };
  }
  return parseGraphJson(new TextDecoder().decode(bytes));
}

export async function readModelFile(file: File): Promise<ModelFile> {
  return readModelBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}
