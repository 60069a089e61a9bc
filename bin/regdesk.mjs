#!/usr/bin/env node
// The `regdesk` command: runs the TypeScript CLI through tsx (a runtime dependency), so the
// installed command and `npm run cli` are the same code with no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
