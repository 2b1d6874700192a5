// What the subgraph connector pulls: one spec per entity, naming every scalar field (by its
// livepeer/subgraph schema type) and every reference (selected as its id). The query text is built
// from these specs, so it is data: it goes into each snapshot's manifest.

/** How a field is selected and checked: scalar types by name, references as `{ id }`. */
export type FieldType = 'ID' | 'String' | 'Int' | 'Boolean' | 'BigInt' | 'BigDecimal' | 'Bytes' | 'enum' | 'ref' | 'refList' | 'stringList';

export interface EntitySpec {
  /** Job entity name and raw folder, e.g. `transcoders`. */
  entity: string;
  /** The schema type, e.g. `Transcoder`. */
  type: string;
  /** The collection query field, e.g. `transcoders`. */
  field: string;
  /** State entities are pulled whole at one block; event entities by day of their timestamp. */
  kind: 'state' | 'event';
  fields: Record<string, FieldType>;
  description: string;
}

const EVENT_FIELDS: Record<string, FieldType> = { id: 'ID', timestamp: 'Int', transaction: 'ref', round: 'ref' };

/**
 * Lists of references a parent holds in a plain array (Transcoder.transcoderDays,
 * Broadcaster.broadcasterDays) are left out: graph-node caps every nested list at 1000 entries, and
 * the child entities carry the back-reference anyway. Deprecated aliases (Broadcaster.firstActiveDay,
 * lastActiveDay) are left out too. Protocol's pending lists are bounded by the active set.
 */
export const ENTITY_SPECS: EntitySpec[] = [
  {
    entity: 'transcoders',
    type: 'Transcoder',
    field: 'transcoders',
    kind: 'state',
    description: 'Orchestrators: stake, commission, activation, fee volume, service URI.',
    fields: {
      id: 'ID', activationRound: 'BigInt', deactivationRound: 'BigInt', lastActiveStakeUpdateRound: 'BigInt', active: 'Boolean',
      status: 'enum', activationTimestamp: 'Int', lastRewardRound: 'ref', rewardCut: 'BigInt', rewardCutUpdateTimestamp: 'Int',
      feeShare: 'BigInt', feeShareUpdateTimestamp: 'Int', totalStake: 'BigDecimal', totalVolumeETH: 'BigDecimal',
      thirtyDayVolumeETH: 'BigDecimal', sixtyDayVolumeETH: 'BigDecimal', ninetyDayVolumeETH: 'BigDecimal', totalVolumeUSD: 'BigDecimal',
      delegator: 'ref', serviceURI: 'String',
    },
  },
  {
    entity: 'pools',
    type: 'Pool',
    field: 'pools',
    kind: 'state',
    description: 'Per orchestrator per round: reward tokens (null when reward was not called), fees, stake.',
    fields: { id: 'ID', round: 'ref', delegate: 'ref', fees: 'BigDecimal', rewardTokens: 'BigDecimal', totalStake: 'BigDecimal', rewardCut: 'BigInt', feeShare: 'BigInt' },
  },
  {
    entity: 'rounds',
    type: 'Round',
    field: 'rounds',
    kind: 'state',
    description: 'Protocol rounds: L1 block range, mintable tokens, fee volume, stake and participation.',
    fields: {
      id: 'ID', startTimestamp: 'Int', initialized: 'Boolean', length: 'BigInt', startBlock: 'BigInt', endBlock: 'BigInt',
      mintableTokens: 'BigDecimal', volumeETH: 'BigDecimal', volumeUSD: 'BigDecimal', totalActiveStake: 'BigDecimal', totalSupply: 'BigDecimal',
      participationRate: 'BigDecimal', movedStake: 'BigDecimal', newStake: 'BigDecimal', inflation: 'BigInt', numActiveTranscoders: 'BigInt',
      activeTranscoderCount: 'BigInt', delegatorsCount: 'BigInt',
    },
  },
  {
    entity: 'protocol',
    type: 'Protocol',
    field: 'protocols',
    kind: 'state',
    description: 'The protocol singleton: parameters, current round, totals.',
    fields: {
      id: 'ID', inflation: 'BigInt', inflationChange: 'BigInt', numActiveTranscoders: 'BigInt', activeTranscoderCount: 'BigInt', paused: 'Boolean',
      targetBondingRate: 'BigInt', unbondingPeriod: 'BigInt', lockPeriod: 'BigInt', roundLockAmount: 'BigInt', totalActiveStake: 'BigDecimal',
      totalVolumeETH: 'BigDecimal', totalVolumeUSD: 'BigDecimal', participationRate: 'BigDecimal', currentRound: 'ref', lastInitializedRound: 'ref',
      lastRoundLengthUpdateRound: 'ref', roundLength: 'BigInt', lastRoundLengthUpdateStartBlock: 'BigInt', totalSupply: 'BigDecimal',
      lptPriceEth: 'BigDecimal', winningTicketCount: 'Int', roundCount: 'Int', pendingActivation: 'refList', pendingDeactivation: 'refList',
      delegatorsCount: 'BigInt', activeBroadcasters: 'stringList',
    },
  },
  {
    entity: 'days',
    type: 'Day',
    field: 'days',
    kind: 'state',
    description: 'Protocol day stats (id = unix day number).',
    fields: {
      id: 'ID', date: 'Int', volumeETH: 'BigDecimal', volumeUSD: 'BigDecimal', totalActiveStake: 'BigDecimal', totalSupply: 'BigDecimal',
      participationRate: 'BigDecimal', inflation: 'BigInt', numActiveTranscoders: 'BigInt', activeTranscoderCount: 'BigInt', delegatorsCount: 'BigInt',
    },
  },
  {
    entity: 'transcoderDays',
    type: 'TranscoderDay',
    field: 'transcoderDays',
    kind: 'state',
    description: 'Fees per orchestrator per UTC day.',
    fields: { id: 'ID', date: 'Int', volumeETH: 'BigDecimal', volumeUSD: 'BigDecimal', transcoder: 'ref' },
  },
  {
    entity: 'broadcasters',
    type: 'Broadcaster',
    field: 'broadcasters',
    kind: 'state',
    description: 'Gateways (ticket senders): deposit, reserve, fee volume.',
    fields: {
      id: 'ID', deposit: 'BigDecimal', reserve: 'BigDecimal', totalVolumeETH: 'BigDecimal', totalVolumeUSD: 'BigDecimal',
      thirtyDayVolumeETH: 'BigDecimal', sixtyDayVolumeETH: 'BigDecimal', ninetyDayVolumeETH: 'BigDecimal', firstFundedDay: 'Int', lastFundedDay: 'Int',
    },
  },
  {
    entity: 'broadcasterDays',
    type: 'BroadcasterDay',
    field: 'broadcasterDays',
    kind: 'state',
    description: 'Fees paid per gateway per UTC day.',
    fields: { id: 'ID', date: 'Int', volumeETH: 'BigDecimal', volumeUSD: 'BigDecimal', broadcaster: 'ref' },
  },
  {
    entity: 'winningTicketRedeemedEvents',
    type: 'WinningTicketRedeemedEvent',
    field: 'winningTicketRedeemedEvents',
    kind: 'event',
    description: 'Redeemed winning tickets: realised fees per orchestrator per gateway.',
    fields: {
      ...EVENT_FIELDS, sender: 'ref', recipient: 'ref', faceValue: 'BigDecimal', faceValueUSD: 'BigDecimal', winProb: 'BigInt',
      senderNonce: 'BigInt', recipientRand: 'BigInt', auxData: 'Bytes',
    },
  },
  {
    entity: 'rewardEvents',
    type: 'RewardEvent',
    field: 'rewardEvents',
    kind: 'event',
    description: 'Reward calls (amount after the treasury cut).',
    fields: { ...EVENT_FIELDS, rewardTokens: 'BigDecimal', delegate: 'ref' },
  },
  {
    entity: 'transcoderUpdateEvents',
    type: 'TranscoderUpdateEvent',
    field: 'transcoderUpdateEvents',
    kind: 'event',
    description: 'Commission changes (reward cut, fee share in parts per million).',
    fields: { ...EVENT_FIELDS, delegate: 'ref', rewardCut: 'BigInt', feeShare: 'BigInt' },
  },
  {
    entity: 'transcoderActivatedEvents',
    type: 'TranscoderActivatedEvent',
    field: 'transcoderActivatedEvents',
    kind: 'event',
    description: 'Activations into the transcoder pool.',
    fields: { ...EVENT_FIELDS, delegate: 'ref', activationRound: 'BigInt' },
  },
  {
    entity: 'newRoundEvents',
    type: 'NewRoundEvent',
    field: 'newRoundEvents',
    kind: 'event',
    description: 'Round initialisations.',
    fields: { ...EVENT_FIELDS, blockHash: 'String' },
  },
  {
    entity: 'serviceURIUpdateEvents',
    type: 'ServiceURIUpdateEvent',
    field: 'serviceURIUpdateEvents',
    kind: 'event',
    description: 'Service URI history per orchestrator.',
    fields: { ...EVENT_FIELDS, addr: 'String', serviceURI: 'String' },
  },
  {
    entity: 'bondEvents',
    type: 'BondEvent',
    field: 'bondEvents',
    kind: 'event',
    description: 'Stake bonded and moved between delegates.',
    fields: { ...EVENT_FIELDS, bondedAmount: 'BigDecimal', additionalAmount: 'BigDecimal', newDelegate: 'ref', oldDelegate: 'ref', delegator: 'ref' },
  },
  {
    entity: 'depositFundedEvents',
    type: 'DepositFundedEvent',
    field: 'depositFundedEvents',
    kind: 'event',
    description: 'Gateway deposits.',
    fields: { ...EVENT_FIELDS, sender: 'ref', amount: 'BigDecimal' },
  },
];

export const PAGE_SIZE = 1000;

function selection(fields: Record<string, FieldType>): string {
  return Object.entries(fields)
    .map(([name, type]) => {
      // An event's block number lives on its transaction; chain tables need it (architecture: block_number).
      if (name === 'transaction') return '    transaction { id blockNumber }';
      if (type === 'ref') return `    ${name} { id }`;
      if (type === 'refList') return `    ${name}(first: ${PAGE_SIZE}, orderBy: id) { id }`;
      return `    ${name}`;
    })
    .join('\n');
}

/** The page query: `id_gt` paging, ordered by id, pinned to one block; events also bounded by timestamp. */
export function pageQuery(spec: EntitySpec): string {
  const isEvent = spec.kind === 'event';
  const vars = isEvent ? '$block: Int!, $lastId: ID!, $from: Int!, $to: Int!' : '$block: Int!, $lastId: ID!';
  const where = isEvent ? '{ id_gt: $lastId, timestamp_gte: $from, timestamp_lt: $to }' : '{ id_gt: $lastId }';
  return [
    `query ${spec.entity}(${vars}) {`,
    `  ${spec.field}(first: ${PAGE_SIZE}, orderBy: id, orderDirection: asc, where: ${where}, block: { number: $block }) {`,
    selection(spec.fields),
    '  }',
    '}',
  ].join('\n');
}

export const META_QUERY = 'query meta {\n  _meta { block { number hash timestamp } deployment hasIndexingErrors }\n}';

/** Every query text the connector can send (tests validate them against the served schema). */
export function allQueries(): { name: string; text: string }[] {
  return [{ name: 'meta', text: META_QUERY }, ...ENTITY_SPECS.map((s) => ({ name: s.entity, text: pageQuery(s) }))];
}
