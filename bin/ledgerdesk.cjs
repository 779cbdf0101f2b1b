#!/usr/bin/env node
'use strict';
// The built CLI (npm run build:cli); see electron/cli/main.ts.
require('../out/cli/ledgerdesk.cjs');
