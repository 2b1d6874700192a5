// A versioned entity store: every save records the block it happened in, so a read pinned to block N
// sees the state as of N (graph-node's time travel). Writes are checked against the entity model the
// way graph-node checks them, so a mapping bug fails loudly instead of serving a malformed entity.
import { BigDecimal } from './decimal.ts';
import { concreteTypes, type EntityModel, type FieldInfo } from './model.ts';

export type Scalar = string | number | boolean | bigint | BigDecimal;
export type Value = Scalar | null | Scalar[];
export interface EntityData {
  id: string;
  [field: string]: Value | undefined;
}

export interface Version {
  block: number;
  data: EntityData;
}

export interface BlockPtr {
  number: number;
  hash: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface Ref {
  type: string;
  id: string;
}

const byId = (a: Ref, b: Ref) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function checkScalar(typeName: string, v: unknown): boolean {
  switch (typeName) {
    case 'BigInt':
      return typeof v === 'bigint';
    case 'BigDecimal':
      return v instanceof BigDecimal;
    case 'Int':
      return Number.isInteger(v);
    case 'Boolean':
      return typeof v === 'boolean';
    default:
      return typeof v === 'string';
  }
}

export class EntityStore {
  private readonly tables = new Map<string, Map<string, Version[]>>();
  private readonly sortedIds = new Map<string, Ref[]>();
  private readonly referrerIndex = new Map<string, Map<string, Set<string>>>();

  constructor(readonly model: EntityModel) {
    for (const name of model.entities) this.tables.set(name, new Map());
  }

  private table(type: string): Map<string, Version[]> {
    const t = this.tables.get(type);
    if (!t) throw new Error(`unknown entity type ${type}`);
    return t;
  }

  private check(type: string, data: EntityData): void {
    const { stored, byName } = this.checker(type);
    for (const key in data) {
      if (!byName.has(key)) throw new Error(`${type} ${data.id}: the schema has no stored field ${key}`);
    }
    for (const f of stored) {
      const v = data[f.name];
      if (v === undefined || v === null) {
        if (f.nonNull) throw new Error(`${type} ${data.id}: missing value for non-nullable field ${f.name}`);
      } else if (f.list ? !Array.isArray(v) || !v.every(f.fits) : Array.isArray(v) || !f.fits(v)) {
        throw new Error(`${type} ${data.id}: field ${f.name} holds ${String(v)}, not ${f.list ? `[${f.typeName}]` : f.typeName}`);
      }
    }
  }

  private readonly checkers = new Map<string, { stored: (FieldInfo & { fits: (v: unknown) => boolean })[]; byName: Set<string> }>();

  /** Per type, the stored (non-derived) fields with a value test each; built once. */
  private checker(type: string) {
    let c = this.checkers.get(type);
    if (!c) {
      const stored = this.model.types.get(type)!.fields.filter((f) => !f.derivedFrom).map((f) => {
        const values = f.kind === 'enum' ? this.model.enums.get(f.typeName)! : undefined;
        const fits = f.kind === 'scalar' ? (v: unknown) => checkScalar(f.typeName, v) : (v: unknown) => typeof v === 'string' && (!values || values.includes(v));
        return { ...f, fits };
      });
      c = { stored, byName: new Set(stored.map((f) => f.name)) };
      this.checkers.set(type, c);
    }
    return c;
  }

  private put(type: string, id: string, block: number, data: EntityData): void {
    const versions = this.table(type).get(id);
    if (!versions) {
      this.table(type).set(id, [{ block, data }]);
      this.sortedIds.delete(type);
    } else {
      const last = versions[versions.length - 1]!;
      if (block < last.block) throw new Error(`${type} ${id}: write at block ${block} after block ${last.block}`);
      if (last.block === block) last.data = data;
      else versions.push({ block, data });
    }
    this.referrerIndex.clear();
  }

  /** Saves the whole entity as of `block`; a later save in the same block replaces it. */
  save(type: string, data: EntityData, block: number): void {
    this.check(type, data);
    this.put(type, data.id, block, data);
  }

  latest(type: string, id: string): EntityData | undefined {
    const versions = this.table(type).get(id);
    return versions?.[versions.length - 1]?.data;
  }

  /** The version visible at `block`, or undefined when the entity did not exist then. */
  version(type: string, id: string, block: number): Version | undefined {
    const versions = this.table(type).get(id);
    if (!versions || versions[0]!.block > block) return undefined;
    let lo = 0;
    let hi = versions.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (versions[mid]!.block <= block) lo = mid;
      else hi = mid - 1;
    }
    return versions[lo];
  }

  at(type: string, id: string, block: number): EntityData | undefined {
    return this.version(type, id, block)?.data;
  }

  /** Finds an id among the concrete types behind `typeName` (an entity or an interface). */
  find(typeName: string, id: string, block: number): (Ref & { version: Version }) | undefined {
    for (const type of concreteTypes(this.model, typeName)) {
      const version = this.version(type, id, block);
      if (version) return { type, id, version };
    }
    return undefined;
  }

  /** Every id ever stored for the concrete types behind `typeName`, sorted by id. */
  refs(typeName: string): Ref[] {
    let cached = this.sortedIds.get(typeName);
    if (!cached) {
      cached = concreteTypes(this.model, typeName).flatMap((type) => [...this.table(type).keys()].map((id) => ({ type, id })));
      cached.sort(byId);
      this.sortedIds.set(typeName, cached);
    }
    return cached;
  }

  /**
   * Entities of `typeName` whose `field` held `target` at some block, sorted by id; callers check the
   * value at their own block. Serves `@derivedFrom` fields without scanning a table per parent.
   */
  referrers(typeName: string, field: string, target: string): Ref[] {
    const key = `${typeName}.${field}`;
    let index = this.referrerIndex.get(key);
    if (!index) {
      index = new Map();
      for (const type of concreteTypes(this.model, typeName)) {
        for (const [id, versions] of this.table(type)) {
          for (const v of versions) {
            const value = v.data[field];
            for (const t of Array.isArray(value) ? value : [value]) {
              if (typeof t !== 'string') continue;
              let set = index.get(t);
              if (!set) index.set(t, (set = new Set()));
              set.add(`${type}\u0000${id}`);
            }
          }
        }
      }
      this.referrerIndex.set(key, index);
    }
    const refs = [...(index.get(target) ?? [])].map((k) => {
      const [type, id] = k.split('\u0000') as [string, string];
      return { type, id };
    });
    return refs.sort(byId);
  }

  /** Number of entities of a concrete type that exist at `block`. */
  count(type: string, block: number): number {
    let n = 0;
    for (const id of this.table(type).keys()) if (this.version(type, id, block)) n++;
    return n;
  }
}
