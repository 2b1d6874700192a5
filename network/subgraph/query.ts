// graph-node's collection semantics over the versioned store: `where` filters (field operators,
// child filters, and/or, _change_block), `orderBy`/`orderDirection` with `id` as the tie-break, and
// `first`/`skip` with graph-node's limits. Everything is evaluated at one block.
import { GraphQLError } from 'graphql';
import { BigDecimal } from './decimal.ts';
import type { EntityModel, EntityType, FieldInfo } from './model.ts';
import type { EntityStore, Ref, Scalar, Value, Version } from './store.ts';

export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;

export interface CollectionArgs {
  first?: number | null;
  skip?: number | null;
  where?: Filter | null;
  orderBy?: string | null;
  orderDirection?: 'asc' | 'desc' | null;
}

export type Filter = { [key: string]: unknown };

export interface Row extends Ref {
  version: Version;
}

/** Filter suffixes, longest first so `_not_in` is not read as `_in`. */
const OPS = [
  'not_contains_nocase', 'not_starts_with_nocase', 'not_ends_with_nocase', 'contains_nocase', 'starts_with_nocase',
  'ends_with_nocase', 'not_contains', 'not_starts_with', 'not_ends_with', 'not_in', 'starts_with', 'ends_with',
  'contains', 'not', 'gte', 'lte', 'gt', 'lt', 'in',
];

function compareScalar(a: Scalar, b: Scalar): number {
  if (a instanceof BigDecimal && b instanceof BigDecimal) return a.cmp(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;
const lower = (v: unknown) => String(v).toLowerCase();

export function rangeCheck(args: CollectionArgs): { first: number; skip: number } {
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST) throw new GraphQLError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  if (skip < 0 || skip > MAX_SKIP) throw new GraphQLError(`The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  return { first, skip };
}

export class QueryEngine {
  constructor(
    private readonly store: EntityStore,
    private readonly model: EntityModel,
  ) {}

  private type(name: string): EntityType {
    const t = this.model.types.get(name);
    if (!t) throw new GraphQLError(`Type \`${name}\` is not an entity type`);
    return t;
  }

  /**
   * Runs a collection query over `candidates` (sorted by id) of `typeName` at `block`.
   * `extra` narrows the candidates further (derived fields check the back-reference at the block).
   */
  collection(typeName: string, candidates: readonly Ref[], args: CollectionArgs, block: number, extra?: (row: Row) => boolean): Row[] {
    const { first, skip } = rangeCheck(args);
    const entity = this.type(typeName);
    const orderBy = args.orderBy ?? 'id';
    const desc = args.orderDirection === 'desc';
    const byId = orderBy === 'id';
    const where = args.where ?? undefined;
    const keep = (row: Row) => (!extra || extra(row)) && (!where || this.matches(entity, row, where, block));

    const rows: Row[] = [];
    if (byId) {
      // Candidates are already in id order: walk them and stop once the page is full.
      const need = skip + first;
      let start = 0;
      const gt = where?.id_gt;
      if (!desc && typeof gt === 'string') {
        let lo = 0;
        let hi = candidates.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (candidates[mid]!.id <= gt) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      for (let i = 0; i < candidates.length - start && rows.length < need; i++) {
        const ref = candidates[desc ? candidates.length - 1 - i : start + i]!;
        const version = this.store.version(ref.type, ref.id, block);
        if (!version) continue;
        const row = { ...ref, version };
        if (keep(row)) rows.push(row);
      }
      return rows.slice(skip, skip + first);
    }

    const key = this.sortKey(entity, orderBy, block);
    for (const ref of candidates) {
      const version = this.store.version(ref.type, ref.id, block);
      if (!version) continue;
      const row = { ...ref, version };
      if (keep(row)) rows.push(row);
    }
    const keyed = rows.map((row) => ({ row, k: key(row) }));
    keyed.sort((a, b) => {
      // Nulls sort last ascending and first descending, as in Postgres.
      const c = isNull(a.k) ? (isNull(b.k) ? 0 : 1) : isNull(b.k) ? -1 : compareScalar(a.k, b.k);
      const t = c !== 0 ? c : a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0;
      return desc ? -t : t;
    });
    return keyed.slice(skip, skip + first).map((x) => x.row);
  }

  private sortKey(entity: EntityType, orderBy: string, block: number): (row: Row) => Scalar | null | undefined {
    const unsupported = () => new GraphQLError(`Ordering by \`${orderBy}\` is not supported for type \`${entity.name}\``);
    const [parentName, childName] = orderBy.split('__') as [string, string | undefined];
    const parent = entity.field.get(parentName);
    if (!parent || parent.list) throw unsupported();
    if (childName === undefined) return (row) => row.version.data[parent.name] as Scalar | null | undefined;
    const child = this.type(parent.typeName).field.get(childName);
    if (!child || child.list || parent.kind === 'scalar' || parent.kind === 'enum') throw unsupported();
    return (row) => {
      const id = row.version.data[parent.name];
      if (typeof id !== 'string') return null;
      return this.store.find(parent.typeName, id, block)?.version.data[child.name] as Scalar | null | undefined;
    };
  }

  /** True when the entity version satisfies every condition of the filter. */
  matches(entity: EntityType, row: Row, filter: Filter, block: number): boolean {
    const data = row.version.data;
    for (const [key, input] of Object.entries(filter)) {
      if (input === undefined) continue;
      if (key === 'and') {
        if (!(input as Filter[]).every((f) => this.matches(entity, row, f, block))) return false;
        continue;
      }
      if (key === 'or') {
        if (!(input as Filter[]).some((f) => this.matches(entity, row, f, block))) return false;
        continue;
      }
      if (key === '_change_block') {
        if (row.version.block < (input as { number_gte: number }).number_gte) return false;
        continue;
      }
      const { field, op } = this.splitKey(entity, key);
      if (op === 'child') {
        if (!this.childMatches(field, row, input as Filter, block)) return false;
        continue;
      }
      if (!(field.list ? listOp : scalarOp)(op, data[field.name], input)) return false;
    }
    return true;
  }

  private splitKey(entity: EntityType, key: string): { field: FieldInfo; op: string } {
    const direct = entity.field.get(key);
    if (direct) return { field: direct, op: '' };
    if (key.endsWith('_')) {
      const f = entity.field.get(key.slice(0, -1));
      if (f) return { field: f, op: 'child' };
    }
    for (const op of OPS) {
      if (!key.endsWith(`_${op}`)) continue;
      const f = entity.field.get(key.slice(0, -(op.length + 1)));
      if (f) return { field: f, op };
    }
    throw new GraphQLError(`Type \`${entity.name}\` has no field \`${key}\``);
  }

  private childMatches(field: FieldInfo, row: Row, filter: Filter, block: number): boolean {
    const target = this.type(field.typeName);
    const test = (id: string) => {
      const hit = this.store.find(field.typeName, id, block);
      return Boolean(hit && this.matches(target, { ...hit }, filter, block));
    };
    if (field.derivedFrom) {
      return this.store.referrers(field.typeName, field.derivedFrom, row.id).some((ref) => {
        const version = this.store.version(ref.type, ref.id, block);
        return version && pointsTo(version.data[field.derivedFrom!], row.id) && this.matches(target, { ...ref, version }, filter, block);
      });
    }
    const value = row.version.data[field.name];
    if (isNull(value)) return false;
    return Array.isArray(value) ? value.some((id) => test(id as string)) : test(value as string);
  }
}

/** Whether a reference value (one id or a list of ids) names `id`. */
export function pointsTo(value: Value | undefined, id: string): boolean {
  return Array.isArray(value) ? value.includes(id) : value === id;
}

function scalarOp(op: string, value: Value | undefined, input: unknown): boolean {
  if (op === '') return isNull(input) ? isNull(value) : !isNull(value) && compareScalar(value as Scalar, input as Scalar) === 0;
  if (op === 'not') return isNull(input) ? !isNull(value) : !isNull(value) && compareScalar(value as Scalar, input as Scalar) !== 0;
  if (isNull(value) || isNull(input)) return false;
  const v = value as Scalar;
  switch (op) {
    case 'gt':
      return compareScalar(v, input as Scalar) > 0;
    case 'lt':
      return compareScalar(v, input as Scalar) < 0;
    case 'gte':
      return compareScalar(v, input as Scalar) >= 0;
    case 'lte':
      return compareScalar(v, input as Scalar) <= 0;
    case 'in':
      return (input as Scalar[]).some((x) => compareScalar(v, x) === 0);
    case 'not_in':
      return !(input as Scalar[]).some((x) => compareScalar(v, x) === 0);
    default:
      return textOp(op, String(v), String(input));
  }
}

function textOp(op: string, value: string, input: string): boolean {
  const nocase = op.endsWith('_nocase');
  const base = nocase ? op.slice(0, -'_nocase'.length) : op;
  const negate = base.startsWith('not_');
  const test = negate ? base.slice(4) : base;
  const v = nocase ? value.toLowerCase() : value;
  const x = nocase ? input.toLowerCase() : input;
  const hit = test === 'contains' ? v.includes(x) : test === 'starts_with' ? v.startsWith(x) : v.endsWith(x);
  return negate ? !hit : hit;
}

function listOp(op: string, value: Value | undefined, input: unknown): boolean {
  if (isNull(input)) return op === '' ? isNull(value) : !isNull(value);
  if (!Array.isArray(value)) return false;
  const want = input as Scalar[];
  const same = (a: Scalar, b: Scalar) => compareScalar(a, b) === 0;
  const containsAll = (nocase: boolean) =>
    want.every((x) => (value as Scalar[]).some((v) => (nocase ? lower(v) === lower(x) : same(v, x))));
  switch (op) {
    case '':
      return value.length === want.length && value.every((v, i) => same(v, want[i]!));
    case 'not':
      return !(value.length === want.length && value.every((v, i) => same(v, want[i]!)));
    case 'contains':
      return containsAll(false);
    case 'contains_nocase':
      return containsAll(true);
    case 'not_contains':
      return !containsAll(false);
    case 'not_contains_nocase':
      return !containsAll(true);
    default:
      throw new GraphQLError(`Filter not supported by value \`${JSON.stringify(input)}\`: \`${op}\``);
  }
}
