/** The app's one editor store (components import it; tests make their own EditorStore). */
import { EditorStore } from './editor-store';

export const editor = new EditorStore();
