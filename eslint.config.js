// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'renderer/dist/**', 'node_modules/**', '**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Code that runs in (or drives) a page is typed with the DOM; everything else in main/ is not.
    files: ['e2e/**/*.ts', 'main/app-chromium/page-bridge.ts', 'scripts/screenshots.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.dom.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The renderer reaches main only through its data layer (renderer/src/data/), which handles a lock,
    // errors and refreshes in one place: no other folder touches window.latchkey or the layer's core.
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/data/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        // window.latchkey, globalThis.latchkey, self.latchkey, and any other way of naming it.
        { selector: "MemberExpression[property.name='latchkey']", message: 'Reach main through renderer/src/data/ (a query or a mutation).' },
      ],
      'no-restricted-globals': ['error', { name: 'latchkey', message: 'Reach main through renderer/src/data/ (a query or a mutation).' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/data/client', '**/data/client.js', '**/data/store', '**/data/store.js', '**/data/app-store', '**/data/app-store.js'],
              allowTypeImports: true,
              message: 'Only renderer/src/data/ holds the client and the store: use its queries, mutations and hooks.',
            },
            { group: ['**/shared/client', '**/shared/client.js'], allowTypeImports: true, message: 'The client is built by the preload; the page reaches it through renderer/src/data/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'bench/**', 'e2e/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['bin/**', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
