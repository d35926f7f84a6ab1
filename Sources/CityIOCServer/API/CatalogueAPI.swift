import CityIOCDomain
import Foundation
import Hummingbird

/// The report categories as JSON, for integrators who keep them in another system: the whole
/// category (names, group, keywords, default agency, priority, deadlines, questions). Staff read;
/// admins create and replace. The public catalogue is Open311's `services`.
struct CatalogueAPI {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/api/v1/services", .permission(.viewOrganisation), use: list)
        router.on(.get, "/api/v1/services/:code", .permission(.viewOrganisation), use: one)
        router.on(.put, "/api/v1/services/:code", .permission(.manageOrganisation), use: put)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<Service>> {
        JSONBody(Page(try await services.catalogue.services(includeInactive: true)))
    }

    @Sendable func one(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Service> {
        guard let service = try await services.catalogue.service(Service.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        return JSONBody(service)
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Service> {
        // The whole category, as GET gives it; its code must be the one in the path.
        let service = try await request.decodeJSON(Service.self, context: context)
        guard service.code.rawValue == (try context.parameters.require("code")) else {
            throw ValidationError(field: "code", reason: .invalidValue)
        }
        try service.validate()
        if let agency = service.defaultAgency, try await services.organisation.agency(agency) == nil {
            throw ValidationError(field: "defaultAgency", reason: .unknownReference)
        }
        let existed = try await services.catalogue.service(service.code) != nil
        try await services.catalogue.saveService(service, context: context.changeContext)
        return JSONBody(service, status: existed ? .ok : .created)
    }
}
