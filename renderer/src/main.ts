/// <reference types="vite/client" />

import { mount } from 'svelte';
import App from './App.svelte';
import './styles/theme.css';
import { theme } from './lib/ui/theme.svelte';

theme.apply();
const target = document.getElementById('app');
if (!target) throw new Error('ConvLab: #app element missing from index.html');
mount(App, { target });
