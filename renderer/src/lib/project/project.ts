/** The app's one project session (components import it; tests make their own ProjectSession). */
import { getClient } from '../../client/index';
import { editor } from '../editor/editor';
import { layoutGraph } from '../layout/elk-layout';
import { toasts } from '../ui/toasts.svelte';
import { ProjectSession } from './session';

export const session = new ProjectSession(getClient(), editor, { place: layoutGraph, onNotice: (text) => toasts.info(text) });
