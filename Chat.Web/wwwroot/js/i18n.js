// The pages' language, chosen once per page load: the person's choice (the language switch, kept in
// localStorage), else the first of the browser's languages the pages speak, else English. Every string
// a person reads comes from js/lang/<language>.js through t(); static text in the HTML names its key in
// data-i18n (text), data-i18n-placeholder or data-i18n-aria-label and is replaced as this module loads,
// before any other module of the page runs.
import en from './lang/en.js';
import fr from './lang/fr.js';

const CATALOGUES = { en, fr };
const STORAGE_KEY = 'chat.lang';

export const lang = choose();

function choose() {
  const kept = localStorage.getItem(STORAGE_KEY);
  if (kept && Object.hasOwn(CATALOGUES, kept)) return kept;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(CATALOGUES, primary)) return primary;
  }
  return 'en';
}

/** The string for key in the page's language, with {name} replaced from vars. */
export function t(key, vars = {}) {
  const text = CATALOGUES[lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

function translateDocument() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  // Switching reloads the page, so that everything already drawn is drawn again in the new language.
  const choice = document.getElementById('lang');
  if (choice) {
    choice.value = lang;
    choice.onchange = () => {
      localStorage.setItem(STORAGE_KEY, choice.value);
      location.reload();
    };
  }
}

translateDocument();
