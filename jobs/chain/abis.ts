// The five Livepeer protocol contracts whose logs the chain jobs read on Arbitrum One: the proxy
// address that emits the logs, its deployment block, and the events of the logic it runs. Copied
// from livepeer/protocol's deployment records (see PROVENANCE.md in this folder); test/chain/abis.test.ts
// checks every fragment, address and block against the originals in ../shared/real.
import type { Abi, Address } from 'viem';

const bondingManagerEvents = [
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "newDelegate", "type": "address"}, {"indexed": true, "internalType": "address", "name": "oldDelegate", "type": "address"}, {"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "additionalAmount", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "bondedAmount", "type": "uint256"}], "name": "Bond", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "delegate", "type": "address"}, {"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "rewards", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "fees", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "startRound", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "endRound", "type": "uint256"}], "name": "EarningsClaimed", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "string", "name": "param", "type": "string"}], "name": "ParameterUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "delegate", "type": "address"}, {"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "unbondingLockId", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "Rebond", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "Reward", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "address", "name": "controller", "type": "address"}], "name": "SetController", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "activationRound", "type": "uint256"}], "name": "TranscoderActivated", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "deactivationRound", "type": "uint256"}], "name": "TranscoderDeactivated", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "address", "name": "finder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "penalty", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "finderReward", "type": "uint256"}], "name": "TranscoderSlashed", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "rewardCut", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "feeShare", "type": "uint256"}], "name": "TranscoderUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "oldDelegator", "type": "address"}, {"indexed": true, "internalType": "address", "name": "newDelegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "oldUnbondingLockId", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "newUnbondingLockId", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "TransferBond", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "transcoder", "type": "address"}, {"indexed": false, "internalType": "address", "name": "treasury", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "TreasuryReward", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "delegate", "type": "address"}, {"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "unbondingLockId", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "withdrawRound", "type": "uint256"}], "name": "Unbond", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "address", "name": "recipient", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "WithdrawFees", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "delegator", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "unbondingLockId", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "withdrawRound", "type": "uint256"}], "name": "WithdrawStake", "type": "event"},
] as const satisfies Abi;

const ticketBrokerEvents = [
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "DepositFunded", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "string", "name": "param", "type": "string"}], "name": "ParameterUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "reserveHolder", "type": "address"}, {"indexed": false, "internalType": "address", "name": "claimant", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "ReserveClaimed", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "reserveHolder", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "ReserveFunded", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "address", "name": "controller", "type": "address"}], "name": "SetController", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "startRound", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "endRound", "type": "uint256"}], "name": "Unlock", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}], "name": "UnlockCancelled", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}, {"indexed": true, "internalType": "address", "name": "recipient", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "faceValue", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "winProb", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "senderNonce", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "recipientRand", "type": "uint256"}, {"indexed": false, "internalType": "bytes", "name": "auxData", "type": "bytes"}], "name": "WinningTicketRedeemed", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}, {"indexed": true, "internalType": "address", "name": "recipient", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "amount", "type": "uint256"}], "name": "WinningTicketTransfer", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "sender", "type": "address"}, {"indexed": false, "internalType": "uint256", "name": "deposit", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "reserve", "type": "uint256"}], "name": "Withdrawal", "type": "event"},
] as const satisfies Abi;

const roundsManagerEvents = [
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "uint256", "name": "round", "type": "uint256"}, {"indexed": false, "internalType": "bytes32", "name": "blockHash", "type": "bytes32"}], "name": "NewRound", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "string", "name": "param", "type": "string"}], "name": "ParameterUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "address", "name": "controller", "type": "address"}], "name": "SetController", "type": "event"},
] as const satisfies Abi;

const minterEvents = [
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "string", "name": "param", "type": "string"}], "name": "ParameterUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "address", "name": "controller", "type": "address"}], "name": "SetController", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "uint256", "name": "currentMintableTokens", "type": "uint256"}, {"indexed": false, "internalType": "uint256", "name": "currentInflation", "type": "uint256"}], "name": "SetCurrentRewardTokens", "type": "event"},
] as const satisfies Abi;

const serviceRegistryEvents = [
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "string", "name": "param", "type": "string"}], "name": "ParameterUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": true, "internalType": "address", "name": "addr", "type": "address"}, {"indexed": false, "internalType": "string", "name": "serviceURI", "type": "string"}], "name": "ServiceURIUpdate", "type": "event"},
  {"anonymous": false, "inputs": [{"indexed": false, "internalType": "address", "name": "controller", "type": "address"}], "name": "SetController", "type": "event"},
] as const satisfies Abi;

export const CONTRACT_NAMES = ['BondingManager', 'TicketBroker', 'RoundsManager', 'Minter', 'ServiceRegistry'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface ContractSpec {
  name: ContractName;
  /** Checksummed proxy address (logs carry the proxy, since the logic runs by delegatecall). */
  address: Address;
  /** Arbitrum One block of the proxy's deployment transaction: no log of it can be older. */
  deployBlock: number;
  /** The file under livepeer/protocol deployments/arbitrumMainnet/ the events were copied from. */
  abiSource: string;
  events: Abi;
}

export const CONTRACTS = {
  BondingManager: { name: 'BondingManager', address: '0x35Bcf3c30594191d53231E4FF333E8A770453e40', deployBlock: 5856381, abiSource: 'BondingManagerTarget.json', events: bondingManagerEvents },
  TicketBroker: { name: 'TicketBroker', address: '0xa8bB618B1520E284046F3dFc448851A1Ff26e41B', deployBlock: 5856357, abiSource: 'TicketBrokerTarget.json', events: ticketBrokerEvents },
  RoundsManager: { name: 'RoundsManager', address: '0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f', deployBlock: 5856394, abiSource: 'RoundsManagerTarget.json', events: roundsManagerEvents },
  Minter: { name: 'Minter', address: '0xc20DE37170B45774e6CD3d2304017fc962f27252', deployBlock: 6253359, abiSource: 'Minter.json', events: minterEvents },
  ServiceRegistry: { name: 'ServiceRegistry', address: '0xC92d3A360b8f9e083bA64DE15d95Cf8180897431', deployBlock: 5860363, abiSource: 'ServiceRegistryTarget.json', events: serviceRegistryEvents },
} as const satisfies Record<ContractName, ContractSpec>;

/** Arbitrum One. */
export const ARBITRUM_ONE_CHAIN_ID = 42161;
