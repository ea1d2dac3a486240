// A peer's require(): CommonJS over a vm context, so every incarnation
// evaluates the student's files afresh (fresh module state) with its own
// globals. Files come only from the build; Node's modules by builtins.ts.
// A restart reuses V8's code cache, so it parses nothing again. Nothing here
// evaluates a script in the context (which would run its microtasks early).

import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { bareName, builtinRule } from './builtins';

interface Module {
  exports: unknown;
}

const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];
const sources = new Map<string, { code: string; cache?: Buffer }>();

export interface LoaderHooks {
  /** A simulated module by name ('timers', ...). */
  simulated(name: string): unknown;
  /** Records the fault at the caller's line and throws. */
  trap(phrase: string): never;
}

export class ModuleLoader {
  private readonly cache = new Map<string, Module>();
  private readonly makeModule: (filename: string) => Module;
  private readonly parseJson: (text: string) => unknown;

  constructor(private readonly build: string, private readonly context: vm.Context, private readonly hooks: LoaderHooks) {
    this.makeModule = vm.runInContext('(function (filename) { return { exports: {}, id: filename, filename: filename }; })', context);
    this.parseJson = vm.runInContext('JSON.parse', context);
  }

  /** Loads a file of the build by its path from the build's root ('src/raft/raft'). */
  loadFromRoot(relative: string): unknown {
    return this.require(path.join(this.build, 'index.js'), `./${relative}`);
  }

  require(from: string, name: string): unknown {
    if (typeof name !== 'string') throw new TypeError('require() takes a module name');
    const rule = builtinRule(name);
    if (rule?.kind === 'host') return rule.module;
    if (rule?.kind === 'simulated') return this.hooks.simulated(bareName(name));
    if (rule?.kind === 'trap') return this.hooks.trap(`requires '${bareName(name)}': ${rule.reason}`);
    if (!name.startsWith('.') && !path.isAbsolute(name)) {
      return this.hooks.trap(`requires '${name}': only your own files and the kit's load inside a peer`);
    }
    const file = this.resolve(path.resolve(path.dirname(from), name));
    if (!file) return this.hooks.trap(`requires '${name}', which is not in the build`);
    return this.load(file);
  }

  private resolve(base: string): string | undefined {
    const inside = base === this.build || base.startsWith(this.build + path.sep);
    if (!inside) return undefined;
    for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    return undefined;
  }

  private load(file: string): unknown {
    const cached = this.cache.get(file);
    if (cached) return cached.exports;
    const module = this.makeModule(file);
    this.cache.set(file, module);
    if (file.endsWith('.json')) {
      module.exports = this.parseJson(fs.readFileSync(file, 'utf8'));
      return module.exports;
    }
    const wrapper = compile(file, this.context);
    const require = (name: string) => this.require(file, name);
    wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file));
    return module.exports;
  }
}

/** A file's code as a function of the context, with V8's code cache after the first time. */
function compile(file: string, context: vm.Context): (...args: unknown[]) => void {
  let source = sources.get(file);
  if (!source) {
    source = { code: fs.readFileSync(file, 'utf8') };
    sources.set(file, source);
  }
  const options = { filename: file, parsingContext: context, cachedData: source.cache, produceCachedData: !source.cache };
  const fn = vm.compileFunction(source.code, PARAMETERS, options) as ((...args: unknown[]) => void) & { cachedData?: Buffer };
  if (!source.cache && fn.cachedData) source.cache = fn.cachedData;
  return fn;
}
