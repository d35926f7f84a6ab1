import Foundation

extension ContextEntity {
    /// The member of the simplified temporal representation (clause 4.5.9) that holds an
    /// attribute kind's `[value, time]` pairs.
    public static func temporalMember(_ kind: Kind) -> String {
        switch kind {
        case .property, .geoProperty: "values"
        case .relationship: "objects"
        case .languageProperty: "languageMaps"
        case .vocabProperty: "vocabs"
        case .jsonProperty: "jsons"
        case .listProperty: "valueLists"
        case .listRelationship: "objectLists"
        }
    }

    /// An entity's temporal evolution as a client with `context` reads it (clause 4.5.8): `id`,
    /// `type`, and each attribute as the array of its instances in time order, rendered as
    /// `view` says. With `temporalValues` (clause 4.5.9) each attribute is instead one object
    /// per datasetId, `{type, values: [[value, time], …]}`, the time being `timeProperty` of
    /// the instance. `history` maps expanded attribute names to instances already in time order.
    public static func temporalRendered(
        id: String, types: [String], history: [String: [JSON]], view: View, temporalValues: Bool, timeProperty: String = "observedAt",
        context: LDContext
    ) -> [String: JSON] {
        var out = [String: JSON](minimumCapacity: history.count + 2)
        if !view.droppedMembers.contains("id") { out["id"] = .string(id) }
        if !view.droppedMembers.contains("type") {
            let shortTypes = types.map { JSON.string(context.compact($0)) }
            out["type"] = shortTypes.count == 1 ? shortTypes[0] : .array(shortTypes)
        }
        for (name, instances) in history {
            if let keep = view.attributes, !keep.contains(name) { continue }
            if view.omitted.contains(name) { continue }
            var kept = instances
            if let wanted = view.datasetIDs { kept = instances.filter { wanted.contains($0["datasetId"]?.string ?? "@none") } }
            if kept.isEmpty { continue }
            let key = context.compact(name)
            guard temporalValues else {
                out[key] = .array(kept.map { render($0, view, context: context) })
                continue
            }
            // One series per datasetId, in the order the instances first name them.
            var order: [String] = []
            var series: [String: (kind: Kind, pairs: [JSON])] = [:]
            for instance in kept {
                guard let kind = instance["type"]?.string.flatMap(Kind.init(rawValue:)) else { continue }
                let dataset = instance["datasetId"]?.string ?? ""
                var value = instance[kind.valueMember] ?? .null
                if kind == .vocabProperty { value = compactVocab(value, context) }
                let pair = JSON.array([value, instance[timeProperty] ?? .null])
                if series[dataset] == nil {
                    order.append(dataset)
                    series[dataset] = (kind, [])
                }
                series[dataset]!.pairs.append(pair)
            }
            let objects = order.map { dataset -> JSON in
                let (kind, pairs) = series[dataset]!
                var object: [String: JSON] = ["type": .string(kind.rawValue), temporalMember(kind): .array(pairs)]
                if !dataset.isEmpty { object["datasetId"] = .string(dataset) }
                return .object(object)
            }
            if !objects.isEmpty { out[key] = objects.count == 1 ? objects[0] : .array(objects) }
        }
        return out
    }
}
