// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Emits the logs it is given, verbatim, from its own address. Placed at the Livepeer proxy
/// addresses on the embedded chain, it replays planned protocol events with their real topics and
/// data, so connectors read them exactly as they would read Arbitrum One.
contract LogEmitter {
    struct Entry {
        /// Contract the log must come from; entries for another address are forwarded to the
        /// emitter there, so one transaction can carry logs of several contracts in order.
        address emitter;
        bytes32[] topics;
        bytes data;
    }

    error TooManyTopics(uint256 count);

    function emitLogs(Entry[] calldata entries) external {
        for (uint256 i = 0; i < entries.length; i++) {
            Entry calldata e = entries[i];
            if (e.emitter == address(this)) {
                emitOne(e.topics, e.data);
            } else {
                LogEmitter(e.emitter).emitOne(e.topics, e.data);
            }
        }
    }

    function emitOne(bytes32[] calldata topics, bytes calldata data) public {
        uint256 n = topics.length;
        if (n > 4) revert TooManyTopics(n);
        bytes memory d = data;
        bytes32 t0 = n > 0 ? topics[0] : bytes32(0);
        bytes32 t1 = n > 1 ? topics[1] : bytes32(0);
        bytes32 t2 = n > 2 ? topics[2] : bytes32(0);
        bytes32 t3 = n > 3 ? topics[3] : bytes32(0);
        assembly {
            let p := add(d, 32)
            let len := mload(d)
            switch n
            case 0 { log0(p, len) }
            case 1 { log1(p, len, t0) }
            case 2 { log2(p, len, t0, t1) }
            case 3 { log3(p, len, t0, t1, t2) }
            default { log4(p, len, t0, t1, t2, t3) }
        }
    }
}
