import Foundation

/// Turns Vietnamese text into a search key: lowercase, no tone marks or other diacritics, and
/// đ as d, so "Hồng Gai", "hong gai" and "HONG GAI" all find the same ward.
public enum TextFolding {
    public static func searchKey(_ text: String) -> String {
        let lowered = text.lowercased()
            .replacingOccurrences(of: "đ", with: "d")
        let stripped = lowered.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            !(0x0300...0x036F).contains($0.value)
        }
        var result = String(String.UnicodeScalarView(stripped))
        result = result.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return result
    }
}
