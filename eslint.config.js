// Lint that keeps the layers: each rule below names a direction imports may not take.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.data',
      '.node24',
      'bench/results',
      'test/artifacts',
      'drizzle/meta',
      'src/http/routes/board/*.js',
      'src/http/routes/report/*.js',
      'src/http/routes/status/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A variable a signal handler reads before start-up assigns it stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src/domain', './src', 'domain/ imports nothing of the project outside domain/'),
            zone('./src/db', './src/services', 'db/ never imports services'),
            zone('./src/db', './src/graphql', 'db/ never imports graphql'),
            zone('./src/db', './src/http', 'db/ never imports http'),
            zone('./src/db', './src/live', 'db/ never imports live'),
            zone('./src/services', './src/graphql', 'services/ never import graphql'),
            zone('./src/services', './src/http', 'services/ never import http'),
            zone('./workers', './src/graphql', 'workers never import graphql'),
            zone('./workers', './src/http', 'workers never import http'),
          ].map((z) => (z.target === './src/domain' ? { ...z, except: ['./domain'] } : z)),
        },
      ],
    },
  },
  {
    // Tests and benches read foreign JSON (GraphQL answers, compose files, bench output) as it comes.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
