/** Every failure to read, convert or import an ONNX file is an OnnxError with a clear message. */
export class OnnxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxError';
  }
}
