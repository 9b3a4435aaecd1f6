/** Activations, normalisation, dense, structure, graph and attention ops. */
import type { OpDef } from './types';

export const basicFamily: readonly OpDef[] = [];
