#!/usr/bin/env node
// Fails on any import circle among the TypeScript files of a folder (default: src), on any import of
// src/cli/ from outside it and of one src/commands/ module by another: dependencies point one way,
// cli -> commands -> domain -> process, config.
// Every edge counts: `import`, `import type`, `export ... from` and `import('...')`, since a type-only
// circle still ties the files together and a dynamic one still loads both.
// Usage: node scripts/check-import-cycles.mjs [folder]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:^|[;\s])(?:import|export)\s[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;
/** Only cli/ may import from cli/ (a folder named so directly under the checked root). */
const CLI = 'cli';
/** One command module does not import another: what two commands share lives in the domain folders or output/. */
const COMMANDS = 'commands';

function readGraph(root) {
  const files = listFiles(root);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const text = stripComments(readFileSync(file, 'utf8'));
    const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1] ?? m[2] ?? m[3]));
    graph.set(file, [...new Set(targets.filter((target) => known.has(target)))]);
  }
  return graph;
}

/**
 * The circles as paths a -> b -> a: per strongly connected component, the shortest circle through each
 * file no earlier circle passed through, so every file caught in one shows up.
 */
function findCycles(graph) {
  return stronglyConnected(graph).flatMap((component) => {
    const covered = new Set();
    const cycles = [];
    for (const start of component) {
      if (covered.has(start)) continue;
      const cycle = shortestCycle(graph, new Set(component), start);
      cycle.forEach((file) => covered.add(file));
      cycles.push(cycle);
    }
    return cycles;
  });
}

/** Imports against the direction of flow: of cli/ from outside it, and of one commands/ module by another. */
function findWrongWay(graph, root) {
  const inside = (folder, file) => file.startsWith(path.join(root, folder) + path.sep);
  const found = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      if (inside(CLI, target) && !inside(CLI, file)) found.push([`import of ${CLI}/ from below it`, file, target]);
      else if (inside(COMMANDS, target) && inside(COMMANDS, file)) found.push(['import of one command by another', file, target]);
    }
  }
  return found;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** ESM imports name the compiled file: './x.js' is './x.ts' here. */
function resolveImport(from, specifier) {
  const target = path.join(path.dirname(from), specifier);
  return target.replace(/\.(m|c)?js$/, (_, kind) => `.${kind ?? ''}ts`);
}

/** Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack. */
function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work.at(-1);
      const [node, i] = frame;
      const targets = graph.get(node);
      if (i < targets.length) {
        frame[1] += 1;
        const target = targets[i];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) low.set(node, Math.min(low.get(node), index.get(target)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work.at(-1)[0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) !== index.get(node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = graph.get(node).includes(node);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  }
  return components;
}

/** From `start`, breadth-first back to itself inside the component. */
function shortestCycle(graph, members, start) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) return [...pathTo(previous, node, start), start];
      if (previous.has(target)) continue;
      previous.set(target, node);
      queue.push(target);
    }
  }
  return [start, start];
}

function pathTo(previous, node, start) {
  const nodes = [node];
  while (nodes[0] !== start) nodes.unshift(previous.get(nodes[0]));
  return nodes;
}

function main() {
  const root = path.normalize(process.argv[2] ?? 'src');
  const graph = readGraph(root);
  const show = (file) => path.relative(root, file).split(path.sep).join('/');
  const cycles = findCycles(graph);
  const wrongWay = findWrongWay(graph, root);
  for (const cycle of cycles) {
    console.error(`import circle: ${cycle.map(show).join(' -> ')}`);
  }
  for (const [what, file, target] of wrongWay) {
    console.error(`${what}: ${show(file)} -> ${show(target)}`);
  }
  if (cycles.length === 0 && wrongWay.length === 0) {
    console.log(`No import circles in ${graph.size} files under ${root}; nothing outside ${CLI}/ imports it, and no command imports another.`);
    return;
  }
  console.error(
    `\n${cycles.length} import circle(s), ${wrongWay.length} import(s) against the flow. Move the shared piece (a type, a helper) into a module both sides import, so imports point one way: cli -> commands -> domain -> process, config.`,
  );
  process.exitCode = 1;
}

main();
