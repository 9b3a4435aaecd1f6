/**
 * A WebAssembly SIMD micro-kernel for gemm, assembled here from opcodes (no generated file, no
 * toolchain): 128-bit lanes give 4 float32 multiply-adds per instruction, which plain JS cannot
 * express. WebAssembly is part of every JS engine ConvLab runs on (Node, Electron renderer,
 * workers); when it or SIMD is missing, `loadWasmKernel()` returns null and gemm stays in JS.
 *
 * Exported function `macro(mTiles, nTiles, kc, pa, pb, c, ldcBytes, accumulate)` (all addresses in
 * bytes): for every 4 x 8 tile, C_tile (+)= A_panel(4 x kc) * B_panel(kc x 8), where A panels are
 * packed [tile][p][4] (16 bytes per p) and B panels [tile][p][8] (32 bytes per p), C row-major with
 * ldcBytes per row; all tiles are full (callers pad). With accumulate 0 the tile is overwritten
 * (no zero-fill pass needed before the first K slice).
 */

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
/** The slice of the WebAssembly namespace used here (the core's lib has no DOM/Node types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (desc: { initial: number }) => WasmMemory;
}

export interface WasmKernel {
  memory: WasmMemory;
  macro: (mTiles: number, nTiles: number, kc: number, pa: number, pb: number, c: number, ldcBytes: number, accumulate: number) => void;
}

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

// instructions
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const simd = (op: number) => [0xfd, ...uleb(op)];
const vload = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
const vstore = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const vsplat32 = (offset: number) => [...simd(0x09), 2, ...uleb(offset)];
const vzero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const fadd = simd(0xe4);
const fmul = simd(0xe6);

/** Function 0: kernel(kc, pa, pb, c, ldc, accumulate). Locals: 6 params, acc 6..13, b0 14, b1 15, a 16. */
function kernelBody(): number[] {
  const acc = (r: number, h: number) => 6 + r * 2 + h;
  const code: number[] = [];
  for (let i = 0; i < 8; i++) code.push(...vzero, ...set(6 + i));
  code.push(0x03, 0x40); // loop
  code.push(...get(2), ...vload(0), ...set(14), ...get(2), ...vload(16), ...set(15));
  for (let r = 0; r < 4; r++) {
    code.push(...get(1), ...vsplat32(4 * r), ...set(16));
    for (let h = 0; h < 2; h++) code.push(...get(acc(r, h)), ...get(16), ...get(14 + h), ...fmul, ...fadd, ...set(acc(r, h)));
  }
  code.push(...get(1), ...i32c(16), ...add, ...set(1));
  code.push(...get(2), ...i32c(32), ...add, ...set(2));
  code.push(...get(0), ...i32c(1), ...sub, ...set(0));
  code.push(...get(0), 0x0d, 0); // br_if loop while kc != 0
  code.push(0x0b); // end loop
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      // c[..] = accumulate ? c[..] + acc : acc
      code.push(...get(3), ...get(5), 0x04, V128, ...get(3), ...vload(16 * h), ...get(acc(r, h)), ...fadd, 0x05, ...get(acc(r, h)), 0x0b, ...vstore(16 * h));
    }
    code.push(...get(3), ...get(4), ...add, ...set(3));
  }
  code.push(0x0b);
  const locals = [
    [...uleb(8), V128],
    [...uleb(3), V128],
  ];
  return [...vec(locals), ...code];
}

/**
 * Function 1: macro(mT, nT, kc, pa, pb, c, ldc, accumulate): B panels outer (one 8-column panel
 * stays in L1), A panels inner. Locals: 8 params, i 8, j 9, colC 10 (c + j*32), pbTile 11,
 * paTile 12, tileC 13.
 */
function macroBody(): number[] {
  const code: number[] = [];
  code.push(...i32c(0), ...set(9), ...get(4), ...set(11), ...get(5), ...set(10));
  code.push(0x03, 0x40); // loop over j (B panels)
  code.push(...i32c(0), ...set(8), ...get(3), ...set(12), ...get(10), ...set(13));
  code.push(0x03, 0x40); // loop over i (A panels)
  code.push(...get(2), ...get(12), ...get(11), ...get(13), ...get(6), ...get(7), 0x10, 0); // kernel(kc, paTile, pbTile, tileC, ldc, accumulate)
  code.push(...get(12), ...get(2), ...i32c(16), ...mul, ...add, ...set(12));
  code.push(...get(13), ...get(6), ...i32c(4), ...mul, ...add, ...set(13));
  code.push(...get(8), ...i32c(1), ...add, ...set(8));
  code.push(...get(8), ...get(0), 0x48, 0x0d, 0); // br_if i < mT
  code.push(0x0b);
  code.push(...get(11), ...get(2), ...i32c(32), ...mul, ...add, ...set(11));
  code.push(...get(10), ...i32c(32), ...add, ...set(10));
  code.push(...get(9), ...i32c(1), ...add, ...set(9));
  code.push(...get(9), ...get(1), 0x48, 0x0d, 0); // br_if j < nT
  code.push(0x0b);
  code.push(0x0b);
  return [...vec([[...uleb(6), I32]]), ...code];
}

export function wasmKernelBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32]]), 0],
  ]));
  const imports = section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec([[0], [1]]));
  const exports = section(7, vec([[...str('macro'), 0x00, 1]]));
  const bodies = [kernelBody(), macroBody()].map((b) => [...uleb(b.length), ...b]);
  const code = section(10, vec(bodies));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

function wasmApi(): WasmApi | null {
  const g: { WebAssembly?: WasmApi } = globalThis as { WebAssembly?: WasmApi };
  return g.WebAssembly ?? null;
}

let cached: WasmKernel | null | undefined;

/** Compiles the kernel once (synchronously; the module is a few hundred bytes). Null when unsupported. */
export function loadWasmKernel(): WasmKernel | null {
  if (cached !== undefined) return cached;
  cached = null;
  const api = wasmApi();
  if (!api) return null;
  try {
    const bytes = wasmKernelBytes();
    if (!api.validate(bytes)) return null;
    const memory = new api.Memory({ initial: 16 });
    const inst = new api.Instance(new api.Module(bytes), { env: { mem: memory } });
    const macro = inst.exports.macro;
    if (typeof macro !== 'function') return null;
    cached = { memory, macro: macro as WasmKernel['macro'] };
  } catch {
    cached = null;
  }
  return cached;
}
