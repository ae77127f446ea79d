#!/usr/bin/env node
// Node 22.1+ keeps compiled bytecode of the bundle between runs (a no-op on Node 20).
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../bundle/opsctl.mjs');
await main(process.argv);
