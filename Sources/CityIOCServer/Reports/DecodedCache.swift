import Foundation

/// Decoded values of stored JSON, kept by record id together with the exact text they were
/// decoded from: a hit is only a hit when the stored text is the same, so a change made by any
/// process is never hidden. Saves decoding the same report's workflow, or the same entity's
/// body, again on every queue, list and query (decoding is most of the cost of reading them).
///
/// Bounded, in two generations: when the newer one is full it becomes the older, and the older
/// one is dropped; a hit in the older moves to the newer, so what is in use stays. The dropped
/// generation is freed after the lock is let go: freeing twenty thousand values under it held
/// every other reader for tens of milliseconds (the p99 of random entity reads showed it).
final class DecodedCache<Value: Sendable>: @unchecked Sendable {
    private typealias Entries = [String: (text: String, value: Value)]
    private let lock = NSLock()
    private var newer: Entries = [:]
    private var older: Entries = [:]
    /// Entries of one generation.
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity / 2) }

    func value(id: String, text: String, decode: (String) throws -> Value) rethrows -> Value {
        // What `keep` drops is returned out of the lock and freed here, by this caller alone.
        let (hit, _) = lock.withLock { () -> ((text: String, value: Value)?, Entries?) in
            if let hit = newer[id] { return (hit, nil) }
            guard let hit = older.removeValue(forKey: id) else { return (nil, nil) }
            return (hit, keep(id, hit))
        }
        if let hit, Self.sameBytes(hit.text, text) { return hit.value }
        let value = try decode(text)
        _ = lock.withLock { keep(id, (text, value)) }
        return value
    }

    /// Whether two texts are the same bytes. Not `==`: that compares by Unicode canonical
    /// equivalence, which for Vietnamese text (not ASCII) walks both strings through the slow
    /// path of the standard library — a twentieth of a week's Open311 list in the profile.
    /// Bytes are also what "the stored text is the same" means here.
    static func sameBytes(_ first: String, _ second: String) -> Bool {
        guard first.utf8.count == second.utf8.count else { return false }
        var first = first
        var second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }

    /// Stores an entry in the newer generation; returns the generation dropped to make room.
    private func keep(_ id: String, _ entry: (text: String, value: Value)) -> Entries? {
        var dropped: Entries?
        if newer[id] == nil, newer.count >= capacity {
            dropped = older
            older = newer
            newer = Entries(minimumCapacity: capacity)
        }
        newer[id] = entry
        return dropped
    }
}
