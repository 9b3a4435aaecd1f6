/** Light/dark theme: follows the system until the user picks one; the choice is remembered. */
export type ThemeName = 'light' | 'dark';

const KEY = 'convlab.theme';

function initial(): ThemeName {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

class Theme {
  name = $state<ThemeName>(initial());

  apply(): void {
    document.documentElement.dataset.theme = this.name;
  }

  toggle(): void {
    this.name = this.name === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, this.name);
    this.apply();
  }
}

export const theme = new Theme();
