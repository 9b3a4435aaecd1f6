// Preload (CommonJS bundle): exposes exactly the contract via contextBridge.
export {};
