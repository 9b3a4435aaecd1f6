/** A dense float32 tensor in row-major (NCHW) order. Shapes are plain number arrays. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeToString(shape: Shape): string {
  return shape.join('x');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export class Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;

  constructor(shape: Shape, data?: Float32Array) {
    const n = sizeOf(shape);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`tensor: invalid shape [${shape.join(', ')}]`);
    }
    if (data && data.length !== n) {
      throw new Error(`tensor: shape ${shapeToString(shape)} needs ${n} values, got ${data.length}`);
    }
    this.shape = [...shape];
    this.data = data ?? new Float32Array(n);
  }

  get size(): number {
    return this.data.length;
  }

  static zeros(shape: Shape): Tensor {
    return new Tensor(shape);
  }

  static full(shape: Shape, value: number): Tensor {
    const t = new Tensor(shape);
    t.data.fill(value);
    return t;
  }

  static from(shape: Shape, values: ArrayLike<number>): Tensor {
    return new Tensor(shape, Float32Array.from(values));
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** Same data, new shape (sizes must match). */
  reshape(shape: Shape): Tensor {
    if (sizeOf(shape) !== this.size) {
      throw new Error(`reshape: cannot view ${shapeToString(this.shape)} as ${shapeToString(shape)}`);
    }
    return new Tensor(shape, this.data);
  }
}
