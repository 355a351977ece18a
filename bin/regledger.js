#!/usr/bin/env node
// The built CLI; `npm run build` (or `npm start`) makes dist/.
import '../dist/src/cli/main.js';
