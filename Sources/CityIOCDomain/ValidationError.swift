import Foundation

/// A value a person or a client sent that CityIOC will not store. The field names the input;
/// the reason is translated for people (`Web/Strings`) and sent as is to API clients.
public struct ValidationError: Error, Sendable, Equatable {
    public enum Reason: String, Sendable {
        case required
        case tooLong = "too_long"
        case tooShort = "too_short"
        case invalidCode = "invalid_code"
        case invalidEmail = "invalid_email"
        case invalidPhone = "invalid_phone"
        case outOfRange = "out_of_range"
        case notAllowed = "not_allowed"
        case unknownReference = "unknown_reference"
        case invalidValue = "invalid_value"
        case weakPassword = "weak_password"
        case alreadyExists = "already_exists"
    }

    public var field: String
    public var reason: Reason

    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }
}
