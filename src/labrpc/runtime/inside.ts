// Inside a peer's context: the first module the host loads into a fresh
// context. It installs the simulated globals and hands the host the three
// functions it drives the incarnation with.

import { BRIDGE, type HostBridge } from './bridge';
import { World } from './world';
import { installGlobals } from './sandbox';
import { boot } from './boots';
import type { Request } from './protocol';

const host = (globalThis as unknown as Record<symbol, HostBridge>)[BRIDGE];
const world = new World(host);
const globals = installGlobals(globalThis as never, world);

host.attach({
  step(json: string) {
    const request = JSON.parse(json) as Request;
    if (request.kind !== 'boot') return world.step(request);
    world.now = request.now;
    globals.boot(request.boot);
    boot(world, request.boot, (path) => host.load(path) as Record<string, unknown>);
  },
  collect: () => JSON.stringify(world.collect()),
  faultAt: (stack, phrase) => world.faultAt(stack, phrase),
  crashed: (error, during) => world.crashed(error, during),
  module: (name) => globals.modules[name],
});
