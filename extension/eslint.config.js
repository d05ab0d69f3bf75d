import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/'] },
  js.configs.recommended,
  {
    rules: {
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // Classic scripts sharing one namespace (globalThis.sourcebridge); the popup loads result-view.js too.
    files: ['content_scripts/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, ...globals.webextensions } }
  },
  {
    files: ['background/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.serviceworker, ...globals.webextensions } }
  },
  {
    // shared/: small modules for the pages (and tests), with no chrome.* and no worker imports.
    files: ['popup/**/*.js', 'options/**/*.js', 'shared/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, ...globals.webextensions } }
  },
  {
    files: ['tests/**/*.js', 'eslint.config.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } }
  }
];
