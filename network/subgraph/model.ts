// The entity model read from the subgraph's own SDL: which types are entities, which fields are
// scalars, references, lists or derived. The store, the indexer and the query layer all read it,
// so the real schema.graphql is the single source of every entity's shape.
import { readFileSync } from 'node:fs';
import { Kind, parse, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';

export const SCHEMA_FILE = new URL('./schema.graphql', import.meta.url);

/** Scalars graph-node adds to GraphQL's own. */
export const GRAPH_SCALARS = ['BigDecimal', 'BigInt', 'Bytes', 'Int8', 'Timestamp'] as const;
const BUILTIN_SCALARS = new Set(['ID', 'String', 'Int', 'Float', 'Boolean', ...GRAPH_SCALARS]);

export type FieldKind = 'scalar' | 'enum' | 'entity' | 'interface';

export interface FieldInfo {
  name: string;
  /** The named type under any list or non-null wrapper. */
  typeName: string;
  kind: FieldKind;
  list: boolean;
  nonNull: boolean;
  /** For `@derivedFrom(field: ...)`: the field on `typeName` that points back here. */
  derivedFrom?: string;
  deprecated: boolean;
}

export interface EntityType {
  name: string;
  isInterface: boolean;
  fields: FieldInfo[];
  field: Map<string, FieldInfo>;
  /** Interfaces this type implements, or (for an interface) the entity types implementing it. */
  interfaces: string[];
  implementations: string[];
}

export interface EntityModel {
  sdl: string;
  document: DocumentNode;
  types: Map<string, EntityType>;
  enums: Map<string, string[]>;
  /** Object entity types, in SDL order. */
  entities: string[];
  /** Interface types, in SDL order. */
  interfaceNames: string[];
}

function unwrap(t: TypeNode): { typeName: string; list: boolean; nonNull: boolean } {
  const nonNull = t.kind === Kind.NON_NULL_TYPE;
  let inner: TypeNode = nonNull ? t.type : t;
  const list = inner.kind === Kind.LIST_TYPE;
  while (inner.kind !== Kind.NAMED_TYPE) inner = inner.type;
  return { typeName: inner.name.value, list, nonNull };
}

export function readModel(sdl: string = readFileSync(SCHEMA_FILE, 'utf8')): EntityModel {
  const document = parse(sdl);
  const enums = new Map<string, string[]>();
  const objectNames = new Set<string>();
  const interfaceNames = new Set<string>();
  for (const d of document.definitions) {
    if (d.kind === Kind.ENUM_TYPE_DEFINITION) enums.set(d.name.value, (d.values ?? []).map((v) => v.name.value));
    if (d.kind === Kind.OBJECT_TYPE_DEFINITION) objectNames.add(d.name.value);
    if (d.kind === Kind.INTERFACE_TYPE_DEFINITION) interfaceNames.add(d.name.value);
  }
  const kindOf = (typeName: string, where: string): FieldKind => {
    if (BUILTIN_SCALARS.has(typeName)) return 'scalar';
    if (enums.has(typeName)) return 'enum';
    if (objectNames.has(typeName)) return 'entity';
    if (interfaceNames.has(typeName)) return 'interface';
    throw new Error(`schema.graphql: ${where} has unknown type ${typeName}`);
  };
  const fieldInfo = (owner: string, f: FieldDefinitionNode): FieldInfo => {
    const derived = f.directives?.find((d) => d.name.value === 'derivedFrom');
    const arg = derived?.arguments?.find((a) => a.name.value === 'field');
    const info: FieldInfo = {
      name: f.name.value,
      ...unwrap(f.type),
      kind: 'scalar',
      deprecated: Boolean(f.directives?.some((d) => d.name.value === 'deprecated')),
    };
    info.kind = kindOf(info.typeName, `${owner}.${info.name}`);
    if (arg && arg.value.kind === Kind.STRING) info.derivedFrom = arg.value.value;
    return info;
  };

  const types = new Map<string, EntityType>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const fields = (d.fields ?? []).map((f) => fieldInfo(d.name.value, f));
    types.set(d.name.value, {
      name: d.name.value,
      isInterface: d.kind === Kind.INTERFACE_TYPE_DEFINITION,
      fields,
      field: new Map(fields.map((f) => [f.name, f])),
      interfaces: (d.interfaces ?? []).map((i) => i.name.value),
      implementations: [],
    });
  }
  for (const t of types.values()) {
    for (const i of t.interfaces) types.get(i)?.implementations.push(t.name);
  }
  return { sdl, document, types, enums, entities: [...objectNames], interfaceNames: [...interfaceNames] };
}

/** The concrete entity types behind a type name (itself, or an interface's implementations). */
export function concreteTypes(model: EntityModel, typeName: string): string[] {
  const t = model.types.get(typeName);
  if (!t) throw new Error(`unknown entity type ${typeName}`);
  return t.isInterface ? t.implementations : [t.name];
}
