import Foundation

/// A measure the city follows over time, per area: "share of online public services",
/// "households with clean water", "VN_AQI, daily". The catalogue says what each one means and
/// who answers for it; values (`IndicatorValue`) come per period and area.
public struct Indicator: Sendable, Equatable, Codable {
    public typealias Code = Identifier<Indicator>

    /// The sectors a leader's overview is divided into (the seeds' list of what an IOC shows).
    public enum Sector: String, CaseIterable, Sendable, Codable {
        case economy, publicServices = "public_services", security, health, education, tourism, environment, industry
        case labour, science, prices

        public func name(_ language: Language) -> String {
            switch (self, language) {
            case (.economy, .vi): "Kinh tế – xã hội"
            case (.economy, .en): "Socio-economic"
            case (.publicServices, .vi): "Dịch vụ công"
            case (.publicServices, .en): "Public services"
            case (.security, .vi): "An ninh, trật tự, giao thông"
            case (.security, .en): "Security and traffic"
            case (.health, .vi): "Y tế"
            case (.health, .en): "Health"
            case (.education, .vi): "Giáo dục"
            case (.education, .en): "Education"
            case (.tourism, .vi): "Du lịch"
            case (.tourism, .en): "Tourism"
            case (.environment, .vi): "Môi trường"
            case (.environment, .en): "Environment"
            case (.industry, .vi): "Công nghiệp, thương mại"
            case (.industry, .en): "Industry and trade"
            case (.labour, .vi): "Lao động, xã hội"
            case (.labour, .en): "Labour and social affairs"
            case (.science, .vi): "Khoa học, đổi mới sáng tạo"
            case (.science, .en): "Science and innovation"
            case (.prices, .vi): "Giá cả, hàng hóa thiết yếu"
            case (.prices, .en): "Prices and essential goods"
            }
        }
    }

    /// Which way is good: a colour respects it (more hospital beds is green, more accidents red).
    public enum Direction: String, CaseIterable, Sendable, Codable {
        case higherIsBetter = "higher"
        case lowerIsBetter = "lower"
        /// Neither: the target is the aim (a price index near plan).
        case nearTarget = "target"
    }

    /// How values arrive.
    public enum Method: String, CaseIterable, Sendable, Codable {
        /// Typed by the owning agency in a form.
        case entered
        /// Uploaded as CSV or .xlsx.
        case imported
        /// Worked out by CityIOC from reports, entities or other indicators.
        case computed
        /// Fetched from another system through the API.
        case pulled
    }

    public var code: Code
    public var name: String
    public var nameEn: String
    public var sector: Sector
    /// As written after a value: "%", "người", "tỷ đồng", "µg/m³".
    public var unit: String
    public var frequency: Period.Frequency
    public var direction: Direction
    /// The agency that answers for the values; nil while unassigned (admins only then).
    public var agency: Agency.ID?
    public var method: Method
    /// Where the indicator comes from: a KPI set and its item ("3098/BTTTT-KHCN 2.1"), a report
    /// item, "ISO 37120 5.1", "VN_AQI". Our own short label, never a copied definition.
    public var source: String
    /// Digits shown after the decimal point.
    public var decimals: Int
    public var active: Bool
    /// How it is derived from other indicators (its method is then `computed`).
    public var formula: IndicatorFormula?

    public init(
        code: Code, name: String, nameEn: String, sector: Sector, unit: String, frequency: Period.Frequency,
        direction: Direction, agency: Agency.ID? = nil, method: Method = .entered, source: String = "", decimals: Int = 0,
        active: Bool = true, formula: IndicatorFormula? = nil
    ) {
        self.formula = formula
        self.code = code
        self.name = name
        self.nameEn = nameEn
        self.sector = sector
        self.unit = unit
        self.frequency = frequency
        self.direction = direction
        self.agency = agency
        self.method = method
        self.source = source
        self.decimals = decimals
        self.active = active
    }

    public func name(_ language: Language) -> String { language == .en && !nameEn.isEmpty ? nameEn : name }

    /// A figure rounded to the indicator's `decimals`, as it is stored and shown.
    public func rounded(_ value: Double) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    public func validate() throws(ValidationError) {
        let code = self.code.rawValue
        guard (2...64).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "-_.".contains($0)) })
        else { throw ValidationError(field: "code", reason: .invalidCode) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError(field: "name", reason: .required) }
        guard name.count <= 300, nameEn.count <= 300 else { throw ValidationError(field: "name", reason: .tooLong) }
        guard unit.count <= 40 else { throw ValidationError(field: "unit", reason: .tooLong) }
        guard source.count <= 200 else { throw ValidationError(field: "source", reason: .tooLong) }
        guard (0...6).contains(decimals) else { throw ValidationError(field: "decimals", reason: .outOfRange) }
        if let formula {
            guard method == .computed, !formula.inputs.contains(self.code) else { throw ValidationError(field: "formula", reason: .invalidValue) }
        }
    }
}

/// One value of an indicator for a period and an area, and who set it.
public struct IndicatorValue: Sendable, Equatable, Codable {
    public var indicator: Indicator.Code
    /// The area's official code (the province's or a ward's).
    public var area: Area.Code
    public var period: Period
    public var value: Double
    /// Who set it (a user's name, a key's name, `system:…` for computed values) and when.
    public var setBy: String
    public var setAt: Date
    /// The reason of a correction, or where the figure comes from.
    public var note: String?

    public init(indicator: Indicator.Code, area: Area.Code, period: Period, value: Double, setBy: String, setAt: Date, note: String? = nil) {
        self.indicator = indicator
        self.area = area
        self.period = period
        self.value = value
        self.setBy = setBy
        self.setAt = setAt
        self.note = note
    }
}

/// A target of an indicator for a period and an area (the plan's figure).
public struct IndicatorTarget: Sendable, Equatable, Codable {
    public var indicator: Indicator.Code
    public var area: Area.Code
    public var period: Period
    public var target: Double

    public init(indicator: Indicator.Code, area: Area.Code, period: Period, target: Double) {
        self.indicator = indicator
        self.area = area
        self.period = period
        self.target = target
    }
}

/// A value to write: who and when come from the change.
public struct IndicatorValueDraft: Sendable, Equatable, Codable {
    public var indicator: Indicator.Code
    public var area: Area.Code
    public var period: Period
    public var value: Double
    public var note: String?

    public init(indicator: Indicator.Code, area: Area.Code, period: Period, value: Double, note: String? = nil) {
        self.indicator = indicator
        self.area = area
        self.period = period
        self.value = value
        self.note = note
    }
}
