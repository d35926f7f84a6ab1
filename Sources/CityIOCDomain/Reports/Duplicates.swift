import Foundation

/// Reports that may be the same problem told twice: same category, received shortly before or
/// after, close by (or in the same ward when a report has no coordinates), with similar words.
/// The operator decides; this only ranks the candidates.
public enum Duplicates {
    public struct Candidate: Sendable, Equatable {
        public var report: Report
        /// Metres between the two, when both have coordinates.
        public var distance: Double?
        /// Share of words in common, 0…1, without diacritics and without the most common words.
        public var similarity: Double
    }

    /// Words too common in reports to say anything about sameness (once folded; "cho" stays, it is also "chợ", a market).
    static let common: Set<String> = [
        "va", "la", "cua", "co", "cac", "nhung", "tai", "o", "duoc", "da", "dang", "trong", "khong", "nay", "rat", "bi",
        "the", "a", "of", "and", "in", "is", "at", "on",
    ]

    public static func words(_ text: String) -> Set<String> {
        Set(
            TextFolding.searchKey(text).split { !$0.isLetter && !$0.isNumber }.map(String.init)
                .filter { $0.count > 1 && !common.contains($0) })
    }

    /// Jaccard similarity of the two texts' words.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let (x, y) = (words(a), words(b))
        guard !x.isEmpty || !y.isEmpty else { return 0 }
        return Double(x.intersection(y).count) / Double(x.union(y).count)
    }

    /// The candidates worth showing, most likely first: within `radius` metres (or the same
    /// ward without coordinates), and either very close or with words in common.
    public static func rank(_ report: Report, among candidates: [Report], radius: Double = 300) -> [Candidate] {
        var ranked: [Candidate] = []
        for other in candidates where other.id != report.id && other.service == report.service {
            var distance: Double?
            if let a = report.latitude, let b = report.longitude, let c = other.latitude, let d = other.longitude {
                distance = NearestArea.distance((a, b), (c, d)) * 1000
                guard distance! <= radius else { continue }
            } else {
                guard report.wardCode != nil, report.wardCode == other.wardCode else { continue }
            }
            let similarity = Self.similarity(report.description + " " + (report.address ?? ""), other.description + " " + (other.address ?? ""))
            guard similarity >= 0.15 || (distance ?? .infinity) <= 50 else { continue }
            ranked.append(Candidate(report: other, distance: distance, similarity: similarity))
        }
        // Closer and more alike first: a score of similarity less a penalty for distance.
        func score(_ candidate: Candidate) -> Double { candidate.similarity - (candidate.distance ?? radius / 2) / (radius * 2) }
        return ranked.sorted { score($0) > score($1) }
    }
}
