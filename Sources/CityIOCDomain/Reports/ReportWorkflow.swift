import Foundation

/// The life of one citizen report, as a value: every step is an `Event` applied by someone at a
/// time; an illegal step is a `WorkflowError`; a legal one changes the state, adds to the
/// timeline and returns the `Action`s its owner must carry out (notify, store deadlines).
///
///     received → refused
///              → classified → assigned → accepted → in progress → resolved → published → rated
///     side paths: returned by the agency (back to the operator), escalated to the People's
///     Committee, merged into another report, reopened by the citizen within the allowed days.
///
/// Who may take each step is decided here too: the operator's desk classifies, routes, refuses,
/// merges and publishes; only staff of the agency a report is assigned to accept, work on,
/// return or answer it; the reporter rates and reopens.
public struct ReportWorkflow: Sendable, Equatable, Codable {
    public enum Status: String, CaseIterable, Sendable, Codable {
        case received, refused, classified, assigned, accepted
        case inProgress = "in_progress"
        case resolved, published, rated, returned, escalated, merged, reopened

        /// Still waiting for someone at the centre or an agency to act.
        public var isOpen: Bool { ![.refused, .published, .rated, .merged].contains(self) }

        /// At an agency, with its deadline running (to accept, or to answer).
        public static let atAgency: Set<Status> = [.assigned, .accepted, .inProgress]
    }

    public enum Event: Sendable, Equatable {
        case classify(service: String, priority: Priority)
        case refuse(reason: String)
        case assign(agency: Agency.ID)
        case accept
        case returnToOperator(reason: String)
        case start
        case resolve(answer: String)
        case publish
        case rate(stars: Int, comment: String?)
        case escalate(reason: String)
        case merge(into: String)
        case reopen(reason: String)

        var name: String {
            switch self {
            case .classify: "classify"
            case .refuse: "refuse"
            case .assign: "assign"
            case .accept: "accept"
            case .returnToOperator: "return"
            case .start: "start"
            case .resolve: "resolve"
            case .publish: "publish"
            case .rate: "rate"
            case .escalate: "escalate"
            case .merge: "merge"
            case .reopen: "reopen"
            }
        }
    }

    /// What the owner of the report must do after a step.
    public enum Action: Sendable, Equatable {
        /// Tell the reporter (and, for a merge, every reporter of the merged reports).
        case notifyReporter(Status)
        /// Tell an agency that a report is now theirs to handle.
        case notifyAgency(Agency.ID)
        /// Tell the centre's desk that a report needs it (returned, escalated, reopened).
        case notifyDesk(Status)
        case deadlineSet(Deadline)
        case deadlineMet(Deadline.Kind, at: Date)
    }

    /// One line of the report's history.
    public struct Step: Sendable, Equatable, Codable {
        public var status: Status
        public var event: String
        public var actorKind: Principal.Kind
        public var actorName: String
        public var at: Date
        /// The reason, the answer, the comment: what the step said, shown on the timeline.
        public var note: String?
    }

    /// Everything a step needs to know besides the event.
    public struct Context: Sendable {
        public var actor: Principal
        /// True when the actor is the person who sent the report (by account or follow-up token).
        public var actorIsReporter: Bool
        public var now: Date
        public var calendar: WorkingCalendar
        public var terms: ServiceTerms
        /// How many days after publication the reporter may reopen the report.
        public var reopenWithinDays: Int

        public init(
            actor: Principal, actorIsReporter: Bool = false, now: Date, calendar: WorkingCalendar,
            terms: ServiceTerms = .standard, reopenWithinDays: Int = 7
        ) {
            self.actor = actor
            self.actorIsReporter = actorIsReporter
            self.now = now
            self.calendar = calendar
            self.terms = terms
            self.reopenWithinDays = reopenWithinDays
        }
    }

    private enum State: Sendable, Equatable, Codable {
        case received
        case refused
        case classified
        case assigned(Agency.ID)
        case accepted(Agency.ID)
        case inProgress(Agency.ID)
        case resolved(Agency.ID)
        case published(Agency.ID?, at: Date)
        case rated(Agency.ID?, publishedAt: Date)
        case returned
        case escalated
        case merged
        case reopened
    }

    private var state: State
    public private(set) var steps: [Step]
    public private(set) var service: String?
    public private(set) var priority: Priority
    public private(set) var answer: String?
    public private(set) var stars: Int?
    public private(set) var mergedInto: String?
    public private(set) var deadlines: [Deadline]

    public init(receivedAt: Date, by actor: Principal, priority: Priority = .normal) {
        state = .received
        self.priority = priority
        deadlines = []
        steps = [Step(status: .received, event: "receive", actorKind: actor.kind, actorName: actor.name, at: receivedAt, note: nil)]
    }

    public var status: Status {
        switch state {
        case .received: .received
        case .refused: .refused
        case .classified: .classified
        case .assigned: .assigned
        case .accepted: .accepted
        case .inProgress: .inProgress
        case .resolved: .resolved
        case .published: .published
        case .rated: .rated
        case .returned: .returned
        case .escalated: .escalated
        case .merged: .merged
        case .reopened: .reopened
        }
    }

    /// The agency that holds the report now, if any: the one whose staff may act on it and see it.
    public var agency: Agency.ID? {
        switch state {
        case .assigned(let agency), .accepted(let agency), .inProgress(let agency), .resolved(let agency): agency
        case .published(let agency, _), .rated(let agency, _): agency
        default: nil
        }
    }

    /// The deadline still running, if one is.
    public var openDeadline: Deadline? { deadlines.last { $0.metAt == nil } }

    /// Applies one step, or throws and changes nothing.
    public mutating func apply(_ event: Event, _ context: Context) throws(WorkflowError) -> [Action] {
        try authorize(event, context)
        var actions: [Action] = []
        var note: String?
        let now = context.now
        switch (state, event) {
        case (.received, .classify(let service, let priority)), (.returned, .classify(let service, let priority)),
            (.reopened, .classify(let service, let priority)), (.escalated, .classify(let service, let priority)):
            self.service = try Self.required(service, "service")
            self.priority = priority
            state = .classified
        case (.received, .refuse(let reason)), (.classified, .refuse(let reason)), (.returned, .refuse(let reason)),
            (.reopened, .refuse(let reason)):
            note = try Self.required(reason, "reason")
            state = .refused
            actions.append(.notifyReporter(.refused))
        case (.classified, .assign(let agency)), (.returned, .assign(let agency)), (.escalated, .assign(let agency)):
            guard service != nil else { throw .missing("service") }
            state = .assigned(agency)
            let deadline = Deadline(
                kind: .accept, startedAt: now, due: context.calendar.adding(context.terms.acceptWithin, to: now))
            deadlines.append(deadline)
            actions += [.notifyAgency(agency), .deadlineSet(deadline), .notifyReporter(.assigned)]
        case (.assigned(let agency), .accept):
            actions += meet(.accept, at: now)
            state = .accepted(agency)
            let deadline = Deadline(
                kind: .resolve, startedAt: now,
                due: context.calendar.adding(context.terms.resolveWithin(priority), to: now))
            deadlines.append(deadline)
            actions += [.deadlineSet(deadline), .notifyReporter(.accepted)]
        case (.assigned, .returnToOperator(let reason)), (.accepted, .returnToOperator(let reason)):
            note = try Self.required(reason, "reason")
            actions += closeOpenDeadline(at: now)
            state = .returned
            actions.append(.notifyDesk(.returned))
        case (.accepted(let agency), .start):
            state = .inProgress(agency)
            actions.append(.notifyReporter(.inProgress))
        case (.accepted(let agency), .resolve(let answer)), (.inProgress(let agency), .resolve(let answer)):
            self.answer = try Self.required(answer, "answer")
            note = self.answer
            actions += meet(.resolve, at: now)
            state = .resolved(agency)
            actions.append(.notifyDesk(.resolved))
        case (.resolved(let agency), .publish):
            state = .published(agency, at: now)
            actions.append(.notifyReporter(.published))
        case (.published(let agency, let at), .rate(let stars, let comment)):
            guard (1...5).contains(stars) else { throw .invalid("stars") }
            self.stars = stars
            note = comment
            state = .rated(agency, publishedAt: at)
        case (.assigned, .escalate(let reason)), (.accepted, .escalate(let reason)), (.inProgress, .escalate(let reason)),
            (.returned, .escalate(let reason)):
            note = try Self.required(reason, "reason")
            actions += closeOpenDeadline(at: now)
            state = .escalated
            actions.append(.notifyDesk(.escalated))
        case (.received, .merge(let target)), (.classified, .merge(let target)), (.returned, .merge(let target)):
            mergedInto = try Self.required(target, "target")
            note = target
            state = .merged
            actions.append(.notifyReporter(.merged))
        case (.published(_, let at), .reopen(let reason)), (.rated(_, let at), .reopen(let reason)):
            let limit = context.calendar.calendar.date(byAdding: .day, value: context.reopenWithinDays, to: at) ?? at
            guard now <= limit else { throw .reopenWindowClosed(limit) }
            note = try Self.required(reason, "reason")
            stars = nil
            state = .reopened
            actions += [.notifyDesk(.reopened), .notifyReporter(.reopened)]
        default:
            throw .illegal(from: status, event: event.name)
        }
        steps.append(
            Step(status: status, event: event.name, actorKind: context.actor.kind, actorName: context.actor.name, at: now, note: note))
        return actions
    }

    /// Who may take a step, whatever the state.
    private func authorize(_ event: Event, _ context: Context) throws(WorkflowError) {
        let actor = context.actor
        let desk = actor.role == .admin || actor.role == .operator
        switch event {
        case .classify, .refuse, .assign, .merge, .publish:
            guard desk else { throw .notAllowed(event.name) }
        case .accept, .returnToOperator, .start, .resolve:
            let ownAgency = actor.role == .agencyStaff && actor.agencyID != nil && actor.agencyID == agency
            guard ownAgency || actor.role == .admin else { throw .notAllowed(event.name) }
        case .escalate:
            let ownAgency = actor.role == .agencyStaff && actor.agencyID != nil && actor.agencyID == agency
            guard desk || ownAgency else { throw .notAllowed(event.name) }
        case .rate, .reopen:
            guard context.actorIsReporter else { throw .notAllowed(event.name) }
        }
    }

    private mutating func meet(_ kind: Deadline.Kind, at now: Date) -> [Action] {
        guard let index = deadlines.lastIndex(where: { $0.kind == kind && $0.metAt == nil }) else { return [] }
        deadlines[index].metAt = now
        return [.deadlineMet(kind, at: now)]
    }

    /// A report that leaves the agency stops its clock: the deadline is recorded as met then, so
    /// an agency is not counted late for a report that is no longer theirs.
    private mutating func closeOpenDeadline(at now: Date) -> [Action] {
        guard let kind = openDeadline?.kind else { return [] }
        return meet(kind, at: now)
    }

    private static func required(_ text: String, _ field: String) throws(WorkflowError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .missing(field) }
        guard trimmed.count <= 4000 else { throw .invalid(field) }
        return trimmed
    }
}

/// Why a step was not taken.
public enum WorkflowError: Error, Sendable, Equatable {
    /// The step does not exist from this status (accepting a refused report…).
    case illegal(from: ReportWorkflow.Status, event: String)
    /// This person may not take this step on this report.
    case notAllowed(String)
    case missing(String)
    case invalid(String)
    case reopenWindowClosed(Date)
}
