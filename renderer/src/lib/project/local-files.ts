/**
 * Open and save graphs with the browser's own file picker and download, in the versioned JSON
 * format from core. TODO(issue 6): switch to the contract's project methods (.convlab projects
 * with weights, runs, autosave, recent list) once main/ provides them; ONNX files open through
 * the importer the same way.
 */
import { graphToJson, importOnnx, parseGraphJson, type ModelGraph } from '../../../../core/index';

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

/**
 * A saved graph (.json) or an ONNX model (.onnx, through core's importer). The editor keeps the
 * graph; imported weights are not kept yet (TODO(issue 6): keep them in the project once it exists).
 */
export async function readGraphFile(file: File): Promise<ModelGraph> {
  if (/\.onnx$/i.test(file.name)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return importOnnx(bytes, file.name.replace(/\.onnx$/i, '')).graph;
  }
  return parseGraphJson(await file.text()).graph;
}

export function fileNameFor(graph: ModelGraph): string {
  const base = graph.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${base}.convlab-graph.json`;
}

export function downloadGraph(graph: ModelGraph): string {
  const name = fileNameFor(graph);
  const blob = new Blob([graphToJson(graph, undefined, { pretty: true })], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}
