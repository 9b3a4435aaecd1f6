// Electron main entry (filled in by the foundation work).
export {};
