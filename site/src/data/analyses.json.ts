// Every example analysis in sql/analyses/: its SQL and its result over the release store.
import { loadAnalyses } from '../../scripts/analyses.ts';
import { runLoader } from '../../scripts/release.ts';

await runLoader(() => loadAnalyses());
