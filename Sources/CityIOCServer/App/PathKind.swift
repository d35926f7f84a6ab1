/// Which part of CityIOC a path belongs to, decided once: the error middleware picks the error
/// format from it, the principal middleware decides from it whether a path serves forms (and so
/// needs CSRF tokens).
enum PathKind: Equatable {
    /// `/api/…` and the probes (`/health`, `/ready`, `/metrics`): JSON, problem documents.
    case api
    /// `/open311/v2/…`: Open311's formats and error list.
    case open311
    /// `/ngsi-ld/v1/…`: NGSI-LD's ProblemDetails with the spec's error types.
    case ngsiLD
    /// `/assets/…`: the stylesheet, script and images.
    case asset
    /// Everything else: pages for people.
    case page

    init(_ path: String) {
        if path == "/api" || path.hasPrefix("/api/") || ["/health", "/ready", "/metrics"].contains(path) {
            self = .api
        } else if path.hasPrefix(Open311Controller.base + "/") {
            self = .open311
        } else if path.hasPrefix(NGSILDController.base + "/") {
            self = .ngsiLD
        } else if path.hasPrefix("/assets/") {
            self = .asset
        } else {
            self = .page
        }
    }
}
