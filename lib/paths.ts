// Where the repository's own files are, wherever the command was started from.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = join(REPO_ROOT, 'models');
export const METRICS_DIR = join(REPO_ROOT, 'models', 'metrics');
export const DATASETS_DIR = join(REPO_ROOT, 'datasets');
/** DuckDB macros loaded into every model session. */
export const MACROS_FILE = join(REPO_ROOT, 'sql', 'macros.sql');
export const SCHEDULE_FILE = join(REPO_ROOT, 'jobs', 'schedule.yml');
