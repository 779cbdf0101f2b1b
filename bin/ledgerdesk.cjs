#!/usr/bin/env -S node --max-semi-space-size=64
'use strict';
// The built CLI (npm run build:cli); see electron/cli/main.ts.
// The larger V8 nursery (64 MB semi-spaces, as the app's task worker: electron/main/worker-task-runner.ts)
// makes million-row exports about 15 % faster; `node bin/ledgerdesk.cjs` runs without it, just slower.
require('../out/cli/ledgerdesk.cjs');
