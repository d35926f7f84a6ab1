import Foundation

/// A typed identifier: `User.ID` and `Agency.ID` are both strings underneath, but mixing
/// them up is a compile error rather than a bug found in production.
public struct Identifier<Owner>: Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral, Comparable
{
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new random identifier (a lowercase UUID), for rows created by CityIOC itself.
    public static func random() -> Self { Self(UUID().uuidString.lowercased()) }
}
