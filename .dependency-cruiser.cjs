/**
 * The architecture's boundaries, checked by `npx depcruise src projections` (in `npm run lint`).
 * The domain (src/domain) and the folds and queries over it (projections/) are plain TypeScript: no framework,
 * no I/O, nothing from the application around them. And no module, nor folder, may take part in an import cycle.
 */
const PURE = '^(src/domain|projections)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'A cycle makes load order matter and hides which side owns a concept: move what both need to its own file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Two folders that import each other are one capability in two places: move the shared piece out.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-no-frameworks',
      severity: 'error',
      comment: 'src/domain and projections/ import no framework: they must run, and be tested, without Nest or HTTP.',
      from: { path: PURE },
      // Resolved paths: a package is matched by its folder under node_modules.
      to: {
        path: 'node_modules/(@nestjs|rxjs|class-validator|class-transformer|reflect-metadata|express|fastify|@fastify|helmet|pino|pino-http|prom-client)/',
      },
    },
    {
      name: 'pure-core-no-io',
      severity: 'error',
      comment: 'src/domain and projections/ do no I/O: stores, sockets and files belong to adapters.',
      from: { path: PURE },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|child_process|worker_threads|cluster|tls|dns|readline)$',
          'node_modules/(better-sqlite3|@eventstore|@grpc)/',
        ],
      },
    },
    {
      name: 'pure-core-stays-inside',
      severity: 'error',
      comment:
        'src/domain and projections/ import only each other: the application depends on them, never the reverse.',
      from: { path: PURE },
      to: { dependencyTypes: ['local', 'aliased'], pathNot: PURE },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
