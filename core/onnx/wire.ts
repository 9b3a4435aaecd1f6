/**
 * Protobuf wire format: a bounds-checked reader and a growable writer. Used by the generated
 * ONNX codec (core/onnx/generated/onnx.ts). Every failure is an OnnxError naming the field.
 */
import { OnnxError } from './errors';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** Nested messages deeper than this are refused (protects the stack from crafted files). */
export const MAX_DEPTH = 64;

const TWO_32 = 4294967296;

export class Reader {
  pos = 0;
  readonly end: number;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.end = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(what: string, message: string): never {
    throw new OnnxError(`onnx decode: ${what}: ${message} (at byte ${this.pos})`);
  }

  /** An unsigned varint up to 64 bits, as a JS number (exact below 2^53). */
  private varintU(end: number, what: string): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail(what, 'truncated varint');
      const b = this.buf[this.pos++];
      if (i < 4) lo += (b & 0x7f) * 2 ** (7 * i);
      else if (i === 4) {
        lo += (b & 0x0f) * 2 ** 28;
        hi += (b & 0x70) >>> 4;
      } else if (i < 9) hi += (b & 0x7f) * 2 ** (7 * i - 32);
      else {
        if (b > 1) this.fail(what, 'varint exceeds 64 bits');
        hi += b * 2 ** 31;
      }
      if (b < 0x80) return { lo, hi };
    }
    return this.fail(what, 'varint longer than 10 bytes');
  }

  /** Unsigned 64-bit as number (values above 2^53 lose precision, never wrap). */
  uint64(end: number, what: string): number {
    const { lo, hi } = this.varintU(end, what);
    return hi * TWO_32 + lo;
  }

  /** Signed 64-bit (two's complement) as number. */
  int64(end: number, what: string): number {
    const { lo, hi } = this.varintU(end, what);
    if (hi >= 2 ** 31) return (hi - TWO_32) * TWO_32 + lo;
    return hi * TWO_32 + lo;
  }

  /** Signed 32-bit: protobuf writes negative int32 as 10-byte varints; keep the low 32 bits. */
  int32(end: number, what: string): number {
    const { lo } = this.varintU(end, what);
    return lo | 0;
  }

  bool(end: number, what: string): boolean {
    return this.uint64(end, what) !== 0;
  }

  float(end: number, what: string): number {
    if (this.pos + 4 > end) this.fail(what, 'truncated fixed32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(end: number, what: string): number {
    if (this.pos + 8 > end) this.fail(what, 'truncated fixed64');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited region. */
  lenEnd(end: number, what: string): number {
    const n = this.uint64(end, what);
    if (n > end - this.pos) this.fail(what, `length ${n} runs past the end of its message (${end - this.pos} bytes left)`);
    return this.pos + n;
  }

  bytes(end: number, what: string): Uint8Array {
    const e = this.lenEnd(end, what);
    const out = this.buf.slice(this.pos, e);
    this.pos = e;
    return out;
  }

  string(end: number, what: string): string {
    const e = this.lenEnd(end, what);
    const s = utf8Decode(this.buf, this.pos, e);
    this.pos = e;
    return s;
  }

  tag(end: number, what: string): { field: number; wire: number } {
    const t = this.uint64(end, what);
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field < 1 || field > 536870911) this.fail(what, `invalid field number ${field}`);
    return { field, wire };
  }

  expect(wire: number, want: number, what: string): void {
    if (wire !== want) this.fail(what, `wire type ${wire}, expected ${want}`);
  }

  /** Skips a field of unknown number. Groups (wire types 3/4) and types 6/7 are refused. */
  skip(wire: number, end: number, what: string): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint64(end, what);
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > end) this.fail(what, 'truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(end, what);
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > end) this.fail(what, 'truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(what, `unsupported wire type ${wire}`);
    }
  }

  /**
   * One element (or a packed run) of a repeated scalar field. `scalarWire` is the element's
   * own wire type; a length-delimited record is a packed run.
   */
  repeated(wire: number, scalarWire: number, end: number, what: string, out: number[], read: (end: number) => number): void {
    if (wire === WIRE_LEN && scalarWire !== WIRE_LEN) {
      const e = this.lenEnd(end, what);
      while (this.pos < e) out.push(read(e));
      if (this.pos !== e) this.fail(what, 'packed run overran its length');
      return;
    }
    this.expect(wire, scalarWire, what);
    out.push(read(end));
  }

  checkDepth(depth: number, what: string): void {
    if (depth > MAX_DEPTH) this.fail(what, `messages nested deeper than ${MAX_DEPTH}`);
  }
}

export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned varint of a non-negative integer below 2^64. */
  uvarint(v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0) throw new OnnxError(`onnx encode: ${what}: ${v} is not a non-negative integer`);
    if (v >= 2 ** 64) throw new OnnxError(`onnx encode: ${what}: ${v} does not fit in 64 bits`);
    if (v < TWO_32) {
      let x = v >>> 0;
      while (x >= 0x80) {
        this.byte((x & 0x7f) | 0x80);
        x >>>= 7;
      }
      this.byte(x);
      return;
    }
    let hi = Math.floor(v / TWO_32);
    let lo = v - hi * TWO_32;
    // low 28 bits in 4 bytes, then the rest 7 bits at a time
    for (let i = 0; i < 4; i++) {
      this.byte((lo & 0x7f) | 0x80);
      lo = Math.floor(lo / 128);
    }
    // lo now has 4 remaining bits (bits 28..31)
    let rest = lo + hi * 16;
    hi = 0;
    while (rest >= 0x80) {
      this.byte((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    this.byte(rest);
  }

  /** Signed 64-bit, two's complement. 2^63 (INT64_MAX rounded by float64) is written as INT64_MAX. */
  int64(v: number, what: string): void {
    if (!Number.isInteger(v)) throw new OnnxError(`onnx encode: ${what}: ${v} is not an integer`);
    if (v >= 2 ** 63) {
      if (v > 2 ** 63) throw new OnnxError(`onnx encode: ${what}: ${v} overflows int64`);
      this.raw(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
      return;
    }
    if (v < -(2 ** 63)) throw new OnnxError(`onnx encode: ${what}: ${v} overflows int64`);
    if (v >= 0) {
      this.uvarint(v, what);
      return;
    }
    const u = BigInt.asUintN(64, BigInt(v));
    let x = u;
    for (let i = 0; i < 10; i++) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if (x === 0n) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  int32(v: number, what: string): void {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new OnnxError(`onnx encode: ${what}: ${v} is not an int32`);
    this.int64(v, what);
  }

  tag(field: number, wire: number): void {
    this.uvarint(field * 8 + wire, 'tag');
  }

  float(v: number): void {
    this.scratch.setFloat32(0, v, true);
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.buf[this.len++] = this.scratch.getUint8(i);
  }

  double(v: number): void {
    this.scratch.setFloat64(0, v, true);
    this.ensure(8);
    for (let i = 0; i < 8; i++) this.buf[this.len++] = this.scratch.getUint8(i);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.uvarint(bytes.length, 'length');
    this.raw(bytes);
  }

  string(s: string): void {
    this.bytes(utf8Encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Lenient UTF-8 decoding: malformed sequences become U+FFFD, never an exception. */
export function utf8Decode(buf: Uint8Array, start: number, end: number): string {
  const codes: number[] = [];
  let i = start;
  while (i < end) {
    const b = buf[i];
    let need = 0;
    let c = 0;
    if (b < 0x80) {
      codes.push(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b < 0xe0) {
      need = 1;
      c = b & 0x1f;
    } else if (b >= 0xe0 && b < 0xf0) {
      need = 2;
      c = b & 0x0f;
    } else if (b >= 0xf0 && b < 0xf5) {
      need = 3;
      c = b & 0x07;
    } else {
      codes.push(0xfffd);
      i++;
      continue;
    }
    if (i + need >= end) {
      codes.push(0xfffd);
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const cb = buf[i + k];
      if ((cb & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (cb & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (!ok || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
      codes.push(0xfffd);
      i++;
      continue;
    }
    if (c >= 0x10000) {
      c -= 0x10000;
      codes.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else codes.push(c);
    i += need + 1;
  }
  let s = '';
  for (let k = 0; k < codes.length; k += 4096) s += String.fromCharCode(...codes.slice(k, k + 4096));
  return s;
}
