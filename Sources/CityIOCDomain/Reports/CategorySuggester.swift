import Foundation

/// Suggests a report's category from its words, learned from reports the desk has already
/// classified (multinomial naive Bayes over words without diacritics, with add-one smoothing).
/// The operator confirms or corrects; the suggestion only saves typing and catches a citizen's
/// wrong pick.
public struct CategorySuggester: Sendable {
    var wordCounts: [Service.Code: [String: Int]] = [:]
    var totals: [Service.Code: Int] = [:]
    var documents: [Service.Code: Int] = [:]
    var vocabulary: Set<String> = []
    var documentCount = 0

    public init(examples: [(Service.Code, String)]) {
        for (service, text) in examples {
            let words = Duplicates.words(text)
            guard !words.isEmpty else { continue }
            documents[service, default: 0] += 1
            documentCount += 1
            for word in words {
                wordCounts[service, default: [:]][word, default: 0] += 1
                totals[service, default: 0] += 1
                vocabulary.insert(word)
            }
        }
    }

    /// Categories with their probability, most likely first; empty when nothing was learned or
    /// no word of the text was ever seen.
    public func suggest(_ text: String) -> [(Service.Code, Double)] {
        let words = Duplicates.words(text).filter { vocabulary.contains($0) }
        guard documentCount > 0, !words.isEmpty else { return [] }
        let size = Double(vocabulary.count)
        var logScores: [(Service.Code, Double)] = []
        for (service, count) in documents {
            var score = log(Double(count) / Double(documentCount))
            let total = Double(totals[service] ?? 0)
            for word in words {
                score += log((Double(wordCounts[service]?[word] ?? 0) + 1) / (total + size))
            }
            logScores.append((service, score))
        }
        // Back from logarithms to probabilities that add up to one.
        let top = logScores.map(\.1).max() ?? 0
        let weights = logScores.map { ($0.0, exp($0.1 - top)) }
        let sum = weights.reduce(0) { $0 + $1.1 }
        return weights.map { ($0.0, $0.1 / sum) }.sorted { $0.1 > $1.1 }
    }
}
