// The simulator (trusted side; it knows no lab): see README.md.

export { Simulation, type SimulationOptions } from './simulation';
export { SimFailure } from './failure';
export { LossPlan, type Loss } from './losses';
export { LONGEST_HOLD_MS } from './network';
export { InProcessHost, type HostedPeer, type PeerHost, type PeerCodeOptions } from './hosts';
export { ProcessHost, spawnLocal, type PeerChild, type SpawnPeer, type ProcessHostOptions } from './process-host';
export { Random, streamSeed } from './random';
export type { PeerSpec, Persisted, ApplyListener } from './peers';
export { formatTime } from './peers';
export type { PeerRef, SimObserver, StepCutter } from './observer';
