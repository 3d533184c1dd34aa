import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'out/**', 'docs-site/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // the benches and build scripts run in Node (a few bench helpers also in the page a bench drives)
  { files: ['bench/**/*.mjs', 'scripts/**/*.mjs', 'packages/*/scripts/**/*.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
