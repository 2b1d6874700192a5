// The served GraphQL schema: the real entity SDL plus the query layer graph-node generates from it
// (graph/src/schema/api.rs): per entity and interface a by-id field and a collection field with
// first/skip/where/orderBy/block, `<T>_filter` inputs with graph-node's operators, `<T>_orderBy`
// enums, collection arguments on list fields, and `_meta`. The layer is built as graphql-js AST from
// the entity model; resolvers read the versioned store.
import {
  GraphQLError,
  Kind,
  concatAST,
  parse,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import { createSchema } from 'graphql-yoga';
import { BigDecimal } from './decimal.ts';
import type { EntityModel, EntityType, FieldInfo } from './model.ts';
import { pointsTo, QueryEngine, type CollectionArgs, type Row } from './query.ts';
import type { BlockPtr, EntityStore, Ref } from './store.ts';

/**
 * What graph-node adds to every subgraph schema (its meta.graphql): the extra scalars, the
 * directives, block constraints and `_meta`. `@entity` is allowed on enums too because the Livepeer
 * schema puts it there and graph-node does not check directive locations.
 */
const BUILTINS = `
scalar BigDecimal
scalar BigInt
scalar Bytes
"8 bytes signed integer"
scalar Int8
"A string representation of microseconds UNIX timestamp (16 digits)"
scalar Timestamp
directive @entity on OBJECT | ENUM
directive @derivedFrom(field: String!) on FIELD_DEFINITION
directive @subgraphId(id: String!) on OBJECT

"The type for the top-level _meta field"
type _Meta_ {
  "Information about a specific subgraph block. The hash is null when _meta asks for a block number."
  block: _Block_!
  "The deployment ID"
  deployment: String!
  "If true, the subgraph encountered indexing errors at some past block"
  hasIndexingErrors: Boolean!
}
type _Block_ {
  hash: Bytes
  number: Int!
  timestamp: Int
  parentHash: Bytes
}
enum _SubgraphErrorPolicy_ {
  "Data will be returned even if the subgraph has indexing errors"
  allow
  "If the subgraph has indexing errors, data will be omitted. The default."
  deny
}
input BlockChangedFilter {
  number_gte: Int!
}
"The block at which the query should be executed."
input Block_height {
  hash: Bytes
  number: Int
  number_gte: Int
}
"Defines the order direction, either ascending or descending"
enum OrderDirection {
  asc
  desc
}
`;

// ---- AST construction --------------------------------------------------------------------------

const nameNode = (value: string) => ({ kind: Kind.NAME, value }) as const;
const named = (n: string): NamedTypeNode => ({ kind: Kind.NAMED_TYPE, name: nameNode(n) });
const listOf = (t: TypeNode): TypeNode => ({ kind: Kind.LIST_TYPE, type: t });
const nonNull = (t: TypeNode): TypeNode => (t.kind === Kind.NON_NULL_TYPE ? t : { kind: Kind.NON_NULL_TYPE, type: t });
const intValue = (n: number): ConstValueNode => ({ kind: Kind.INT, value: String(n) });
const description = (text: string | undefined) => (text ? { description: { kind: Kind.STRING, value: text } as const } : {});

function inputValue(name: string, type: TypeNode, defaultValue?: ConstValueNode, doc?: string): InputValueDefinitionNode {
  return { kind: Kind.INPUT_VALUE_DEFINITION, name: nameNode(name), type, ...(defaultValue ? { defaultValue } : {}), ...description(doc) };
}

function fieldDef(name: string, args: InputValueDefinitionNode[], type: TypeNode, doc?: string): FieldDefinitionNode {
  return { kind: Kind.FIELD_DEFINITION, name: nameNode(name), arguments: args, type, ...description(doc) };
}

// ---- graph-node naming and operator tables -----------------------------------------------------

/** Inflector-style plural, enough for entity names (PollTally → pollTallies, Day → days). */
function plural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The by-id and collection field names for an entity type (graph-node camel_cased_names). */
export function queryFieldNames(typeName: string): { single: string; collection: string } {
  const single = typeName.charAt(0).toLowerCase() + typeName.slice(1);
  const many = plural(single);
  return { single, collection: many === single ? `${many}_collection` : many };
}

const ORDERED = ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'];
const TEXT = [
  ...ORDERED, 'contains', 'contains_nocase', 'not_contains', 'not_contains_nocase', 'starts_with', 'starts_with_nocase',
  'not_starts_with', 'not_starts_with_nocase', 'ends_with', 'ends_with_nocase', 'not_ends_with', 'not_ends_with_nocase',
];

function scalarOps(typeName: string): string[] {
  switch (typeName) {
    case 'Boolean':
      return ['', 'not', 'in', 'not_in'];
    case 'Bytes':
      return [...ORDERED, 'contains', 'not_contains'];
    case 'String':
      return TEXT;
    case 'ID':
    case 'BigInt':
    case 'BigDecimal':
    case 'Int':
    case 'Int8':
    case 'Timestamp':
      return ORDERED;
    default:
      return ['', 'not'];
  }
}

function opInputs(field: string, ops: string[], valueType: string, listValued = false): InputValueDefinitionNode[] {
  return ops.map((op) => {
    const single: TypeNode = listValued ? listOf(nonNull(named(valueType))) : named(valueType);
    const type = op === 'in' || op === 'not_in' ? listOf(nonNull(named(valueType))) : single;
    return inputValue(op ? `${field}_${op}` : field, type);
  });
}

function filterInputs(f: FieldInfo): InputValueDefinitionNode[] {
  const reference = f.kind === 'entity' || f.kind === 'interface';
  const child = reference ? [inputValue(`${f.name}_`, named(`${f.typeName}_filter`))] : [];
  if (f.list) {
    if (f.derivedFrom) return child;
    const element = reference ? 'String' : f.typeName;
    const ops = element === 'String' ? ['', 'not', 'contains', 'contains_nocase', 'not_contains', 'not_contains_nocase'] : ['', 'not', 'contains', 'not_contains'];
    return [...opInputs(f.name, ops, element, true), ...child];
  }
  if (reference) return f.derivedFrom ? child : [...opInputs(f.name, TEXT, 'String'), ...child];
  if (f.kind === 'enum') return opInputs(f.name, ['', 'not', 'in', 'not_in'], f.typeName);
  return opInputs(f.name, scalarOps(f.typeName), f.typeName);
}

function orderByValues(model: EntityModel, t: EntityType): string[] {
  const values: string[] = [];
  for (const f of t.fields) {
    values.push(f.name);
    if (f.list || (f.kind !== 'entity' && f.kind !== 'interface')) continue;
    for (const c of model.types.get(f.typeName)!.fields) {
      if (!c.list && c.kind !== 'entity' && c.kind !== 'interface') values.push(`${f.name}__${c.name}`);
    }
  }
  return values;
}

function collectionArgs(typeName: string): InputValueDefinitionNode[] {
  return [
    inputValue('skip', named('Int'), intValue(0)),
    inputValue('first', named('Int'), intValue(100)),
    inputValue('orderBy', named(`${typeName}_orderBy`)),
    inputValue('orderDirection', named('OrderDirection')),
    inputValue('where', named(`${typeName}_filter`)),
  ];
}

const BLOCK_DOC =
  'The block at which the query should be executed. Can either be a `{ hash: Bytes }` value containing a block hash, a `{ number: Int }` containing the block number, or a `{ number_gte: Int }` containing the minimum block number. In the case of `number_gte`, the query will be executed on the latest block only if the subgraph has progressed to or past the minimum block number. Defaults to the latest block when omitted.';
const blockArg = () => inputValue('block', named('Block_height'), undefined, BLOCK_DOC);
const errorPolicyArg = () =>
  inputValue('subgraphError', nonNull(named('_SubgraphErrorPolicy_')), { kind: Kind.ENUM, value: 'deny' }, 'Set to `allow` to receive data even if the subgraph has skipped over errors while syncing.');

/** The complete API document: builtins, the entity SDL (list fields given collection arguments), and the generated layer. */
export function buildApiDocument(model: EntityModel): DocumentNode {
  const isReference = (typeName: string) => model.types.has(typeName);
  const entityDefs = model.document.definitions.map((d): DefinitionNode => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) return d;
    const fields = (d.fields ?? []).map((f) => {
      const info = model.types.get(d.name.value)!.field.get(f.name.value)!;
      return info.list && isReference(info.typeName) ? { ...f, arguments: collectionArgs(info.typeName) } : f;
    });
    return { ...d, fields };
  });

  const generated: DefinitionNode[] = [];
  const queryFields: FieldDefinitionNode[] = [];
  for (const name of [...model.entities, ...model.interfaceNames]) {
    const t = model.types.get(name)!;
    generated.push({
      kind: Kind.ENUM_TYPE_DEFINITION,
      name: nameNode(`${name}_orderBy`),
      values: orderByValues(model, t).map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: nameNode(v) })),
    });
    generated.push({
      kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
      name: nameNode(`${name}_filter`),
      fields: [
        ...t.fields.flatMap(filterInputs),
        inputValue('_change_block', named('BlockChangedFilter'), undefined, 'Filter for the block changed event.'),
        inputValue('and', listOf(named(`${name}_filter`))),
        inputValue('or', listOf(named(`${name}_filter`))),
      ],
    });
    const { single, collection } = queryFieldNames(name);
    queryFields.push(fieldDef(single, [inputValue('id', nonNull(named('ID'))), blockArg(), errorPolicyArg()], named(name)));
    queryFields.push(fieldDef(collection, [...collectionArgs(name), blockArg(), errorPolicyArg()], nonNull(listOf(nonNull(named(name))))));
  }
  queryFields.push(fieldDef('_meta', [inputValue('block', named('Block_height'))], named('_Meta_'), 'Access to subgraph metadata'));
  generated.push({ kind: Kind.OBJECT_TYPE_DEFINITION, name: nameNode('Query'), fields: queryFields });

  return concatAST([parse(BUILTINS), { kind: Kind.DOCUMENT, definitions: [...entityDefs, ...generated] }]);
}

// ---- resolvers ---------------------------------------------------------------------------------

export interface SubgraphSource {
  store: EntityStore;
  model: EntityModel;
  /** The latest indexed block; undefined before anything was indexed. */
  head: BlockPtr | undefined;
  blockByHash(hash: string): BlockPtr | undefined;
  deployment: string;
}

const BLOCK = Symbol('block');
type Source = Record<string | symbol, unknown> & { id: string; [BLOCK]: number };

function wrap(row: Row, block: number): Source {
  return { ...row.version.data, __typename: row.type, [BLOCK]: block } as Source;
}

interface BlockArg {
  number?: number | null;
  hash?: string | null;
  number_gte?: number | null;
}

function resolveBlock(source: SubgraphSource, arg: BlockArg | null | undefined): number {
  const head = source.head?.number ?? 0;
  const notYet = (name: string, n: number) =>
    new GraphQLError(`Failed to decode \`${name}\` value: \`subgraph ${source.deployment} has only indexed up to block number ${head} and data for block number ${n} is therefore not yet available\``);
  if (!arg) return head;
  if (typeof arg.number === 'number') {
    if (arg.number > head) throw notYet('block.number', arg.number);
    return arg.number;
  }
  if (typeof arg.hash === 'string') {
    const hit = source.blockByHash(arg.hash.toLowerCase());
    if (!hit) throw new GraphQLError(`Failed to decode \`block.hash\` value: \`no block with that hash found\``);
    return hit.number;
  }
  if (typeof arg.number_gte === 'number') {
    if (arg.number_gte > head) throw notYet('block.number_gte', arg.number_gte);
    return head;
  }
  return head;
}

function literalText(node: ValueNode, accept: Kind[]): string {
  if (!accept.includes(node.kind) || !('value' in node)) throw new GraphQLError(`expected ${accept.join(' or ')}, got ${node.kind}`);
  return String(node.value);
}

function parseBigInt(v: unknown): bigint {
  if ((typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v))) return BigInt(v);
  throw new GraphQLError(`Failed to decode \`BigInt\` value: \`${String(v)}\``);
}

function parseBigDecimal(v: unknown): BigDecimal {
  const d = typeof v === 'string' || typeof v === 'number' ? BigDecimal.tryParse(String(v)) : undefined;
  if (!d) throw new GraphQLError(`Failed to decode \`BigDecimal\` value: \`${String(v)}\``);
  return d;
}

function parseBytes(v: unknown): string {
  if (typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v)) return v.toLowerCase();
  throw new GraphQLError(`Failed to decode \`Bytes\` value: \`${String(v)}\``);
}

type ScalarImpl = {
  serialize(v: unknown): unknown;
  parseValue(v: unknown): unknown;
  parseLiteral(node: ValueNode): unknown;
};

/** graph-node's extra scalars travel as strings; inputs parse into exact values for filtering. */
function scalarImpls(): Record<string, ScalarImpl & Record<string, unknown>> {
  const serialize = (v: unknown) => (typeof v === 'bigint' || v instanceof BigDecimal || typeof v === 'number' ? v.toString() : v);
  const integer: ScalarImpl = { serialize, parseValue: parseBigInt, parseLiteral: (n) => parseBigInt(literalText(n, [Kind.STRING, Kind.INT])) };
  return {
    BigInt: integer,
    Int8: integer,
    Timestamp: integer,
    BigDecimal: { serialize, parseValue: parseBigDecimal, parseLiteral: (n) => parseBigDecimal(literalText(n, [Kind.STRING, Kind.INT, Kind.FLOAT])) },
    Bytes: { serialize, parseValue: parseBytes, parseLiteral: (n) => parseBytes(literalText(n, [Kind.STRING])) },
  };
}

type Resolver = (parent: Source, args: Record<string, unknown>) => unknown;

function fieldResolver(source: SubgraphSource, engine: QueryEngine, f: FieldInfo): Resolver | undefined {
  const { store } = source;
  if (f.kind !== 'entity' && f.kind !== 'interface') return undefined;
  if (f.derivedFrom) {
    const back = f.derivedFrom;
    return (parent, args) => {
      const block = parent[BLOCK];
      const rows = engine.collection(f.typeName, store.referrers(f.typeName, back, parent.id), args as CollectionArgs, block, (row) => pointsTo(row.version.data[back], parent.id));
      return f.list ? rows.map((r) => wrap(r, block)) : rows[0] ? wrap(rows[0], block) : null;
    };
  }
  if (f.list) {
    return (parent, args) => {
      const block = parent[BLOCK];
      const ids = [...new Set((parent[f.name] as string[] | null) ?? [])].sort();
      const refs = ids.flatMap((id): Ref[] => {
        const hit = store.find(f.typeName, id, block);
        return hit ? [{ type: hit.type, id }] : [];
      });
      return engine.collection(f.typeName, refs, args as CollectionArgs, block).map((r) => wrap(r, block));
    };
  }
  return (parent) => {
    const id = parent[f.name];
    if (typeof id !== 'string') return null;
    const hit = store.find(f.typeName, id, parent[BLOCK]);
    return hit ? wrap(hit, parent[BLOCK]) : null;
  };
}

/**
 * The executable schema over a store: what the embedded subgraph serves. It is built with yoga's
 * `createSchema`, so the schema objects come from the same graphql-js instance yoga executes with
 * (test runners may load a second copy of graphql for this module).
 */
export function buildSubgraphSchema(source: SubgraphSource): GraphQLSchema {
  const { store, model } = source;
  const engine = new QueryEngine(store, model);
  const resolvers: Record<string, Record<string, unknown>> = { ...scalarImpls() };

  for (const t of model.types.values()) {
    const fields: Record<string, unknown> = {};
    for (const f of t.fields) {
      const resolve = fieldResolver(source, engine, f);
      if (resolve) fields[f.name] = resolve;
    }
    if (t.isInterface) fields.__resolveType = (value: Source) => value.__typename;
    resolvers[t.name] = fields;
  }

  const query: Record<string, Resolver> = {};
  for (const name of [...model.entities, ...model.interfaceNames]) {
    const { single, collection } = queryFieldNames(name);
    query[single] = (_root, args) => {
      const block = resolveBlock(source, args.block as BlockArg | undefined);
      const hit = store.find(name, args.id as string, block);
      return hit ? wrap(hit, block) : null;
    };
    query[collection] = (_root, args) => {
      const block = resolveBlock(source, args.block as BlockArg | undefined);
      return engine.collection(name, store.refs(name), args as CollectionArgs, block).map((r) => wrap(r, block));
    };
  }
  query._meta = (_root, args) => {
    const arg = args.block as BlockArg | undefined;
    const number = resolveBlock(source, arg);
    // Like graph-node, a block asked for by number comes back without hash or timestamp.
    const ptr = typeof arg?.number === 'number' ? undefined : typeof arg?.hash === 'string' ? source.blockByHash(arg.hash.toLowerCase()) : source.head;
    return {
      block: ptr ? { number: ptr.number, hash: ptr.hash, timestamp: ptr.timestamp, parentHash: null } : { number, hash: null, timestamp: null, parentHash: null },
      deployment: source.deployment,
      hasIndexingErrors: false,
    };
  };
  resolvers.Query = query;
  return createSchema({ typeDefs: buildApiDocument(model), resolvers });
}
