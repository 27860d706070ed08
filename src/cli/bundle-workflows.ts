import { writeFileSync } from 'node:fs';
import { bundleWorkflows, WORKFLOW_BUNDLE_PATH } from '../workflow-bundle';

/** Part of `npm run build` (node dist/src/cli/bundle-workflows.js): writes the bundle the worker loads. */
bundleWorkflows()
  .then((code) => writeFileSync(WORKFLOW_BUNDLE_PATH, code))
  .catch((err: Error) => {
    process.stderr.write(`bundling the workflows failed: ${err.message}\n`);
    process.exitCode = 1;
  });
