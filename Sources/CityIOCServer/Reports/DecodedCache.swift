import Foundation

/// Decoded values of stored JSON, kept by record id together with the exact text they were
/// decoded from: a hit is only a hit when the stored text is the same, so a change made by any
/// process is never hidden. Saves decoding the same report's workflow again on every queue and
/// list (decoding is most of the cost of reading a report). Bounded; when full it starts over.
final class DecodedCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (text: String, value: Value)] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(id: String, text: String, decode: (String) throws -> Value) rethrows -> Value {
        if let hit = lock.withLock({ entries[id] }), hit.text == text { return hit.value }
        let value = try decode(text)
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = (text, value)
        }
        return value
    }
}
