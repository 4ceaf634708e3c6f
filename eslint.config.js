// `npm run lint` runs this with --max-warnings 0: every rule here is an error in effect, and a
// rule that is switched off or tuned says why beside it.
// TypeScript is linted with the type checker (the project service reads tsconfig.json, so the
// files linted are the ones the type check covers); the few plain .mjs scripts and the config
// files get the JavaScript rules only.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, generated data and the installed packages are not ours to lint. The typed
    // client example is type-checked by `npm run client:check`, against types only it generates.
    ignores: [
      'dist/**',
      'dist-test/**',
      'coverage/**',
      '.tap/**',
      'node_modules/**',
      'openapi/**',
      'examples/typed-client/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Arguments and bindings named with a leading underscore are unused on purpose (a
      // handler's signature, a rest sibling that drops a field).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A cast says "I know better than the checker": it is `x as T`, never `<T>x`, and an object
      // literal is typed by an annotation or `satisfies`, which check it, not by a cast, which
      // does not (except as an argument, where a cast is the only place to say it).
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'allow-as-parameter' },
      ],
      // Type-only imports are marked, so the emitted JavaScript never loads a module for a type.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Fastify's contract for a plugin, a hook or a handler is "an async function or a callback":
      // an async function with no await in it is how a plugin says it is done when it returns, and
      // the Kysely dialect implements async interface methods that happen to be synchronous.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // tap awaits the subtests it is given itself (`t.test(...)` queues the test and returns a
    // promise only for whoever wants to wait on it): those promises are not floating.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      // Tests read answers as JSON (`res.json()` is `any`) and assert on their fields: typing
      // every answer would restate the schemas the tests are there to check, so `any` flows
      // freely in tests (the type check still covers everything the tests call in src/).
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // A migration is frozen in time: it is written against `Kysely<any>`, not today's
    // `Database` type, so that a later change of the schema's types never rewrites history.
    files: ['migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The server's own code: small functions, and no `!` nor cast (`as const` aside) unless a
    // comment beside it says why the checker cannot see what the code knows: an
    // `// eslint-disable-next-line <rule> -- <why>` comment, the reason after `--`.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // SQL lives in repositories, the database layer and migrations (the design's layers):
    // dependency-cruiser stops an import of Kysely elsewhere, and this stops a query built on
    // `app.db`, a transaction or an expression builder, which needs no import.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)$/]',
          message: 'A query belongs in a repository (src/**/*.repository.ts): call a repository function here.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
