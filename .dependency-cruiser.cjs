// The project's layers and module boundaries, checked by `npm run lint` (depcruise). Each rule
// is one of the design's (CONTRIBUTING.md and the design notes say them in prose); a rule that
// fails names the import to remove.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kysely-outside-repositories',
      severity: 'error',
      comment:
        'SQL lives in repositories (src/**/*.repository.ts), the database layer (src/db/) and migrations. ' +
        "Elsewhere in src/ only Kysely's types may be named (a Transaction a lock needs, a row's Selectable): " +
        'a type-only import builds no query. Tests, scripts and the benchmark are not held to it: they set up ' +
        'and inspect the database directly, which is what they are for.',
      from: {
        path: '^src/',
        pathNot: ['^src/db/', '\\.repository\\.ts$'],
      },
      to: {
        path: '^node_modules/kysely/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'module-internals',
      severity: 'error',
      comment:
        'A module is used by others only through its index.ts (src/modules/X/index.ts), which exports ' +
        'what it offers; its other files are its own.',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'module-internals-from-outside',
      severity: 'error',
      comment:
        'The application, the plugins and the database layer see a module through its index.ts too ' +
        '(tests may reach a module’s files: they test them).',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: '^src/modules/[^/]+/index\\.ts$',
      },
    },
    {
      name: 'shared-has-no-domain',
      severity: 'error',
      comment: 'src/shared/ is for what has no domain: it imports no module and no plugin.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(modules|plugins)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles (between modules, or between files of one module).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-dev-dependency',
      severity: 'error',
      comment: 'The server does not load what `npm ci --omit=dev` (the image) does not install.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // The typed client example imports the types `npm run client:check` generates (not committed).
    exclude: { path: ['^dist/', '^dist-test/', '^examples/typed-client/'] },
    // Type-only imports count (a cycle through types is still a cycle to read), and are told
    // apart where a rule cares (Kysely's types are allowed outside repositories).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
