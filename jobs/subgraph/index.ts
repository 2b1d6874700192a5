// The subgraph connector's jobs, one per entity (specs in entities.ts).
import type { Job } from '../job.ts';
import { ENTITY_SPECS } from './entities.ts';
import { subgraphJob } from './pull.ts';

export const subgraphJobs: Job[] = ENTITY_SPECS.map(subgraphJob);
