import CityIOCDomain
import Hummingbird

/// Which language to answer in: the signed-in person's choice, else the visitor's `lang`
/// cookie, else the browser's `Accept-Language`, else Vietnamese.
enum LanguagePreference {
    static let cookie = "cityioc_lang"

    static func resolve(request: Request, user: User?) -> Language {
        if let chosen = user?.language { return chosen }
        if let value = request.cookies[cookie]?.value, let language = Language(rawValue: value) { return language }
        return Language.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    }
}
