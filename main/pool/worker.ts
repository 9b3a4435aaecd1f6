// Pool worker entry.
export default function run(): string {
  return 'ok';
}
