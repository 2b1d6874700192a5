import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  getIntrospectionQuery,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLObjectType,
  parse,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allQueries, ENTITY_SPECS, type FieldType } from '../../jobs/subgraph/entities.ts';
import { readModel, SCHEMA_FILE } from '../../network/subgraph/model.ts';
import { buildSubgraph, startSubgraph, type SubgraphServer } from '../../network/subgraph/server.ts';
import { queryFieldNames } from '../../network/subgraph/schema.ts';
import { smallNetwork } from './fixtures.ts';

const ORIGINAL = new URL('../../../shared/real/livepeer-subgraph/schema.graphql', import.meta.url);
const model = readModel();
const { schema } = buildSubgraph(smallNetwork().logs);

describe('the copied schema', () => {
  it('is byte-identical to the real livepeer/subgraph schema.graphql', () => {
    expect(readFileSync(SCHEMA_FILE).equals(readFileSync(ORIGINAL))).toBe(true);
  });

  it('declares the entities the connector reads', () => {
    for (const t of ['Protocol', 'Transcoder', 'Round', 'Pool', 'Day', 'TranscoderDay', 'Broadcaster', 'BroadcasterDay', 'Transaction', 'WinningTicketRedeemedEvent']) {
      expect(model.entities).toContain(t);
    }
    expect(model.types.get('Event')!.implementations).toHaveLength(32);
  });
});

describe('the served schema', () => {
  it('keeps every real type with its fields and field types', () => {
    const original = buildClientSchemaFromSdl();
    for (const name of [...model.entities, ...model.interfaceNames]) {
      const served = schema.getType(name) as GraphQLObjectType | GraphQLInterfaceType;
      const real = original.get(name)!;
      expect(Object.keys(served.getFields())).toEqual(Object.keys(real));
      for (const [field, type] of Object.entries(real)) expect(String(served.getFields()[field]!.type)).toBe(type);
    }
    expect((schema.getType('TranscoderStatus') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual(['NotRegistered', 'Registered']);
  });

  it('adds a by-id and a collection field for every entity and interface, plus _meta', () => {
    const query = schema.getQueryType()!.getFields();
    const generated = [...model.entities, ...model.interfaceNames].flatMap((t) => Object.values(queryFieldNames(t)));
    expect(Object.keys(query).sort()).toEqual([...generated, '_meta'].sort());
    expect(query.transcoders!.args.map((a) => `${a.name}: ${String(a.type)}${a.defaultValue !== undefined ? ` = ${String(a.defaultValue)}` : ''}`)).toEqual([
      'skip: Int = 0',
      'first: Int = 100',
      'orderBy: Transcoder_orderBy',
      'orderDirection: OrderDirection',
      'where: Transcoder_filter',
      'block: Block_height',
      'subgraphError: _SubgraphErrorPolicy_! = deny',
    ]);
    expect(query.transcoder!.args.map((a) => a.name)).toEqual(['id', 'block', 'subgraphError']);
    expect(String(query.pollTallies!.type)).toBe('[PollTally!]!');
    expect(String(query.events!.type)).toBe('[Event!]!');
    expect(String(query._meta!.type)).toBe('_Meta_');
  });

  it('generates graph-node filter operators per field type', () => {
    const filter = (schema.getType('Transcoder_filter') as GraphQLInputObjectType).getFields();
    const type = (name: string) => String(filter[name]?.type);
    expect(type('id_gt')).toBe('ID');
    expect(type('totalStake_gte')).toBe('BigDecimal');
    expect(type('rewardCut_in')).toBe('[BigInt!]');
    expect(type('serviceURI_contains_nocase')).toBe('String');
    expect(type('status_not_in')).toBe('[TranscoderStatus!]');
    expect(type('active')).toBe('Boolean');
    expect(filter.active_gt).toBeUndefined();
    expect(type('lastRewardRound')).toBe('String');
    expect(type('lastRewardRound_')).toBe('Round_filter');
    expect(type('transcoderDays_contains')).toBe('[String!]');
    expect(type('pools_')).toBe('Pool_filter');
    expect(filter.pools).toBeUndefined();
    expect(type('and')).toBe('[Transcoder_filter]');
    expect(type('_change_block')).toBe('BlockChangedFilter');
    const orderBy = (schema.getType('Pool_orderBy') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(orderBy).toContain('delegate__totalStake');
    expect(orderBy).not.toContain('delegate__pools');
    const pools = (schema.getType('Transcoder') as GraphQLObjectType).getFields().pools!;
    expect(pools.args.map((a) => a.name)).toEqual(['skip', 'first', 'orderBy', 'orderDirection', 'where']);
  });
});

describe('connector queries', () => {
  let server: SubgraphServer;
  let served: GraphQLSchema;
  beforeAll(async () => {
    server = await startSubgraph(smallNetwork().logs);
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
    served = buildClientSchema(((await res.json()) as { data: IntrospectionQuery }).data);
  });
  afterAll(() => server.stop());

  it('every query the connector sends validates against the schema the server serves', () => {
    const queries = allQueries();
    expect(queries).toHaveLength(ENTITY_SPECS.length + 1);
    for (const q of queries) {
      expect(validate(served, parse(q.text)), q.name).toEqual([]);
    }
  });

  it('an unknown field fails validation', () => {
    const errors = validate(served, parse('{ transcoders { id notAField } }'));
    expect(errors.map((e) => e.message)).toEqual(['Cannot query field "notAField" on type "Transcoder".']);
  });

  it('selects every stored scalar field and every reference of each entity, with matching types', () => {
    const skipped = new Set(['Transcoder.transcoderDays', 'Broadcaster.broadcasterDays', 'Broadcaster.firstActiveDay', 'Broadcaster.lastActiveDay']);
    for (const spec of ENTITY_SPECS) {
      const t = model.types.get(spec.type)!;
      const expected: Record<string, FieldType> = {};
      for (const f of t.fields) {
        if (f.derivedFrom || skipped.has(`${spec.type}.${f.name}`)) continue;
        const reference = f.kind === 'entity' || f.kind === 'interface';
        expected[f.name] = reference ? (f.list ? 'refList' : 'ref') : f.kind === 'enum' ? 'enum' : f.list ? 'stringList' : (f.typeName as FieldType);
      }
      expect(spec.fields, spec.type).toEqual(expected);
      expect(queryFieldNames(spec.type).collection).toBe(spec.field);
    }
  });
});

/** The real SDL's fields as `name -> type string`, built independently of the served schema. */
function buildClientSchemaFromSdl(): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const text = (t: import('graphql').TypeNode): string =>
    t.kind === 'NonNullType' ? `${text(t.type)}!` : t.kind === 'ListType' ? `[${text(t.type)}]` : t.name.value;
  for (const d of parse(readFileSync(ORIGINAL, 'utf8')).definitions) {
    if (d.kind !== 'ObjectTypeDefinition' && d.kind !== 'InterfaceTypeDefinition') continue;
    out.set(d.name.value, Object.fromEntries((d.fields ?? []).map((f) => [f.name.value, text(f.type)])));
  }
  return out;
}
