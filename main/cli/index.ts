// `convlab` CLI entry.
console.log('convlab');
