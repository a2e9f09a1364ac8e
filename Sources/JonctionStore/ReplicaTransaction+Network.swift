import GRDB
import Jonction

extension ReplicaTransaction {
    /// Gives a replica that has no network yet the network it joins (protocol.md §5.3), as an office
    /// does when it adopts its join file rather than waiting for its first bundle. Returns false, and
    /// changes nothing, if the replica already has a network: the caller compares it first.
    package func adoptNetwork(_ network: String) throws -> Bool {
        guard Replica.isValidNetwork(network) else { throw StoreError.invalidNetwork(network) }
        try db.execute(sql: "UPDATE replica SET network = ? WHERE network IS NULL", arguments: [network])
        return try db.changesCount == 1
    }
}
