/** The contract's public surface for main-side code. The renderer imports only './types'. */
export * from './names';
export * from './types';
export { methods, type MethodSpec } from './methods';
export { events } from './events';
export { dispatch, dispatchText, ContractFailure } from './dispatch';
