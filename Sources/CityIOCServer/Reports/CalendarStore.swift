import CityIOCDomain
import Foundation

/// The city's working calendar: holidays and make-up working days. Days are kept as
/// `YYYY-MM-DD` text on both engines, which sorts and filters by year as dates do.
public protocol CalendarStore: Sendable {
    /// The exceptions of one year, or of every year when `year` is nil, in date order.
    func calendarDays(year: Int?) async throws -> [CalendarDay]
    /// Adds or replaces the exception on that day; audited.
    func saveCalendarDay(_ day: CalendarDay, context: ChangeContext) async throws
    /// Removes the exception on that day (it becomes an ordinary day again); audited.
    func deleteCalendarDay(_ day: CivilDay, context: ChangeContext) async throws
    /// The calendar deadlines are counted on, with every stored exception.
    func workingCalendar() async throws -> WorkingCalendar
}

extension CalendarStore {
    public func workingCalendar() async throws -> WorkingCalendar {
        WorkingCalendar(days: try await calendarDays(year: nil))
    }
}

extension CityStore: CalendarStore {
    public func workingCalendar() async throws -> WorkingCalendar {
        try await cache.value(\.calendar, database: database) { WorkingCalendar(days: try await calendarDays(year: nil)) }
    }

    public func calendarDays(year: Int?) async throws -> [CalendarDay] {
        var sql = SQL("SELECT day, kind, name FROM calendar_days")
        if let year { sql.append(" WHERE day LIKE ?", .text(String(format: "%04d-%%", year))) }
        sql.append(" ORDER BY day")
        return try await database.query(sql).map(Self.calendarDay)
    }

    public func saveCalendarDay(_ day: CalendarDay, context: ChangeContext) async throws {
        let values: [SQLValue] = [.text(day.kind.rawValue), .text(day.name), .text(day.day.description)]
        try await save(
            day, read: SQL("SELECT day, kind, name FROM calendar_days WHERE day = ?", [.text(day.day.description)]),
            decode: Self.calendarDay, insert: SQL("INSERT INTO calendar_days (kind, name, day) VALUES (?, ?, ?)", values),
            update: SQL("UPDATE calendar_days SET kind = ?, name = ? WHERE day = ?", values),
            action: "calendar", entityType: "calendar_day", entityID: day.day.description, context: context)
    }

    public func deleteCalendarDay(_ day: CivilDay, context: ChangeContext) async throws {
        let read = SQL("SELECT day, kind, name FROM calendar_days WHERE day = ?", [.text(day.description)])
        try await database.perform(
            Mutation(read: read) { rows in
                guard let before = try rows.first.map(Self.calendarDay) else { throw StoreError.notFound }
                return Plan(
                    statements: [SQL("DELETE FROM calendar_days WHERE day = ?", [.text(day.description)])],
                    audit: AuditDraft(
                        action: "calendar.delete", entityType: "calendar_day", entityID: day.description,
                        before: Self.snapshot(before), after: nil),
                    result: ())
            }, context: context)
    }

    static func calendarDay(_ row: SQLRow) throws -> CalendarDay {
        guard let day = CivilDay(try row.text("day")) else { throw StoreError.corruptRow("day") }
        guard let kind = CalendarDay.Kind(rawValue: try row.text("kind")) else { throw StoreError.corruptRow("kind") }
        return CalendarDay(day: day, kind: kind, name: try row.text("name"))
    }
}
