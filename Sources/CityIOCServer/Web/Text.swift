import CityIOCDomain
import Foundation

/// A sentence in both languages. Every word a page or a message shows is one of these, so a
/// missing translation is a compile error rather than a blank on the wall.
public struct Text: Sendable {
    public let vi: String
    public let en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    public func callAsFunction(_ language: Language) -> String { language == .vi ? vi : en }
}

extension Text {
    static let appName = Text(vi: "Trung tâm giám sát, điều hành đô thị thông minh", en: "Intelligent Operations Center")
    static let signIn = Text(vi: "Đăng nhập", en: "Sign in")
    static let signOut = Text(vi: "Đăng xuất", en: "Sign out")
    static let username = Text(vi: "Tên đăng nhập", en: "Username")
    static let password = Text(vi: "Mật khẩu", en: "Password")
    static let wrongCredentials = Text(vi: "Sai tên đăng nhập hoặc mật khẩu.", en: "Wrong username or password.")
    static let lockedUntil = Text(
        vi: "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau %@ hoặc liên hệ quản trị viên.",
        en: "This account is locked after repeated wrong passwords. Try again after %@ or ask an administrator.")
    static let waitSeconds = Text(
        vi: "Nhập sai nhiều lần. Vui lòng chờ %@ giây rồi thử lại.",
        en: "Too many wrong attempts. Please wait %@ seconds and try again.")
    static let sessionExpiredForm = Text(
        vi: "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và gửi lại.",
        en: "This form has expired or is not valid. Please reload the page and send it again.")
    static let overview = Text(vi: "Tổng quan", en: "Overview")
    static let administration = Text(vi: "Quản trị", en: "Administration")
    static let areas = Text(vi: "Đơn vị hành chính", en: "Administrative areas")
    static let agencies = Text(vi: "Cơ quan, đơn vị", en: "Agencies")
    static let users = Text(vi: "Người dùng", en: "Users")
    static let apiKeys = Text(vi: "Khóa API", en: "API keys")
    static let audit = Text(vi: "Nhật ký thay đổi", en: "Audit log")
    static let account = Text(vi: "Tài khoản của tôi", en: "My account")
    static let myAgency = Text(vi: "Đơn vị của tôi", en: "My agency")
    static let language = Text(vi: "Ngôn ngữ", en: "Language")
    static let save = Text(vi: "Lưu", en: "Save")
    static let create = Text(vi: "Tạo mới", en: "Create")
    static let edit = Text(vi: "Sửa", en: "Edit")
    static let search = Text(vi: "Tìm kiếm", en: "Search")
    static let filter = Text(vi: "Lọc", en: "Filter")
    static let all = Text(vi: "Tất cả", en: "All")
    static let code = Text(vi: "Mã", en: "Code")
    static let name = Text(vi: "Tên", en: "Name")
    static let nameEnglish = Text(vi: "Tên tiếng Anh", en: "English name")
    static let level = Text(vi: "Cấp", en: "Level")
    static let kind = Text(vi: "Loại", en: "Kind")
    static let parent = Text(vi: "Trực thuộc", en: "Parent")
    static let coordinates = Text(vi: "Tọa độ", en: "Coordinates")
    static let latitude = Text(vi: "Vĩ độ", en: "Latitude")
    static let longitude = Text(vi: "Kinh độ", en: "Longitude")
    static let areaSize = Text(vi: "Diện tích (km²)", en: "Area (km²)")
    static let active = Text(vi: "Đang hoạt động", en: "Active")
    static let inactive = Text(vi: "Ngừng hoạt động", en: "Inactive")
    static let email = Text(vi: "Thư điện tử", en: "Email")
    static let phone = Text(vi: "Điện thoại", en: "Phone")
    static let role = Text(vi: "Vai trò", en: "Role")
    static let agency = Text(vi: "Cơ quan", en: "Agency")
    static let displayName = Text(vi: "Họ và tên", en: "Full name")
    static let none = Text(vi: "(không)", en: "(none)")
    static let status = Text(vi: "Trạng thái", en: "Status")
    static let locked = Text(vi: "Đang khóa", en: "Locked")
    static let unlock = Text(vi: "Mở khóa", en: "Unlock")
    static let resetPassword = Text(vi: "Đặt lại mật khẩu", en: "Reset password")
    static let newPassword = Text(vi: "Mật khẩu mới", en: "New password")
    static let currentPassword = Text(vi: "Mật khẩu hiện tại", en: "Current password")
    static let confirmPassword = Text(vi: "Nhập lại mật khẩu mới", en: "Repeat the new password")
    static let passwordsDiffer = Text(vi: "Hai mật khẩu mới không khớp.", en: "The two new passwords differ.")
    static let passwordChanged = Text(vi: "Đã đổi mật khẩu.", en: "Password changed.")
    static let saved = Text(vi: "Đã lưu.", en: "Saved.")
    static let revoke = Text(vi: "Thu hồi", en: "Revoke")
    static let revoked = Text(vi: "Đã thu hồi", en: "Revoked")
    static let keyShownOnce = Text(
        vi: "Đây là khóa bí mật. Hãy sao chép ngay: khóa chỉ hiển thị một lần và không thể xem lại.",
        en: "This is the secret key. Copy it now: it is shown once and cannot be seen again.")
    static let prefix = Text(vi: "Tiền tố", en: "Prefix")
    static let createdAt = Text(vi: "Ngày tạo", en: "Created")
    static let lastUsed = Text(vi: "Dùng lần cuối", en: "Last used")
    static let createdBy = Text(vi: "Người tạo", en: "Created by")
    static let time = Text(vi: "Thời gian", en: "Time")
    static let actor = Text(vi: "Người thực hiện", en: "Actor")
    static let action = Text(vi: "Thao tác", en: "Action")
    static let record = Text(vi: "Đối tượng", en: "Record")
    static let details = Text(vi: "Chi tiết", en: "Details")
    static let before = Text(vi: "Trước", en: "Before")
    static let after = Text(vi: "Sau", en: "After")
    static let from = Text(vi: "Từ ngày", en: "From")
    static let to = Text(vi: "Đến ngày", en: "To")
    static let older = Text(vi: "Cũ hơn →", en: "Older →")
    static let nothingFound = Text(vi: "Không có kết quả.", en: "Nothing found.")
    static let requestID = Text(vi: "Mã yêu cầu", en: "Request id")
    static let notFound = Text(vi: "Không tìm thấy trang hoặc bản ghi.", en: "The page or record was not found.")
    static let forbidden = Text(vi: "Bạn không có quyền xem hoặc thực hiện thao tác này.", en: "You are not allowed to see or do this.")
    static let serverError = Text(
        vi: "Đã có lỗi ở máy chủ. Vui lòng thử lại; nếu vẫn lỗi, báo quản trị viên kèm mã yêu cầu.",
        en: "Something went wrong on the server. Please try again; if it persists, tell an administrator the request id.")
    static let unavailable = Text(
        vi: "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.",
        en: "The database cannot be reached right now. Please try again in a few minutes.")
    static let tooLarge = Text(vi: "Dữ liệu gửi lên quá lớn.", en: "What was sent is too large.")
    static let badRequest = Text(vi: "Yêu cầu không hợp lệ.", en: "The request is not valid.")
    static let home = Text(vi: "Về trang chủ", en: "Back to the start page")
    static let capabilities = Text(vi: "Các phân hệ", en: "Capabilities")
    static let available = Text(vi: "Đang hoạt động", en: "Available")
    static let notInstalled = Text(vi: "Chưa triển khai", en: "Not built yet")
    static let signedInAs = Text(vi: "Đăng nhập với tên", en: "Signed in as")
    static let province = Text(vi: "Tỉnh", en: "Province")
    static let wardsAndCommunes = Text(vi: "Phường, xã, đặc khu", en: "Wards, communes, special zones")
    static let activeKeys = Text(vi: "Khóa API đang dùng", en: "API keys in use")
    static let newAgency = Text(vi: "Thêm cơ quan", en: "Add an agency")
    static let newUser = Text(vi: "Thêm người dùng", en: "Add a user")
    static let newKey = Text(vi: "Tạo khóa API", en: "Create an API key")
    static let newArea = Text(vi: "Thêm đơn vị hành chính", en: "Add an area")
    static let initialPassword = Text(vi: "Mật khẩu ban đầu", en: "Initial password")
    static let browserLanguage = Text(vi: "Theo trình duyệt", en: "As the browser")
    static let staff = Text(vi: "Cán bộ", en: "Staff")
    static let count = Text(vi: "Số lượng", en: "Count")
    static let skipToContent = Text(vi: "Bỏ qua đến nội dung", en: "Skip to content")
    static let passwordHint = Text(
        vi: "Ít nhất 10 ký tự. Một cụm từ dễ nhớ là tốt nhất.",
        en: "At least 10 characters. A memorable phrase works best.")
    static let lockedCount = Text(vi: "Số lần sai", en: "Failed attempts")
}

extension Role {
    var title: Text {
        switch self {
        case .admin: Text(vi: "Quản trị hệ thống", en: "Administrator")
        case .leader: Text(vi: "Lãnh đạo", en: "Leader")
        case .operator: Text(vi: "Điều hành viên IOC", en: "IOC operator")
        case .agencyStaff: Text(vi: "Cán bộ cơ quan", en: "Agency staff")
        case .integrator: Text(vi: "Hệ thống tích hợp", en: "Integrator (machine)")
        case .public: Text(vi: "Người dân", en: "Citizen")
        }
    }
}

extension Area.Level {
    var title: Text {
        switch self {
        case .province: Text(vi: "Tỉnh, thành phố", en: "Province")
        case .legacyDistrict: Text(vi: "Huyện, quận (trước 7/2025)", en: "District (before July 2025)")
        case .ward: Text(vi: "Phường", en: "Ward")
        case .commune: Text(vi: "Xã", en: "Commune")
        case .specialZone: Text(vi: "Đặc khu", en: "Special zone")
        }
    }
}

extension Agency.Kind {
    var title: Text {
        switch self {
        case .peoplesCommittee: Text(vi: "Ủy ban nhân dân tỉnh", en: "Provincial People's Committee")
        case .department: Text(vi: "Sở, ban, ngành", en: "Department")
        case .wardCommittee: Text(vi: "UBND phường, xã", en: "Ward/commune People's Committee")
        case .police: Text(vi: "Công an", en: "Police")
        case .utility: Text(vi: "Doanh nghiệp dịch vụ công", en: "Utility")
        case .hospital: Text(vi: "Bệnh viện, y tế", en: "Hospital, health")
        case .school: Text(vi: "Trường học", en: "School")
        case .other: Text(vi: "Khác", en: "Other")
        }
    }
}

extension ValidationError {
    /// What to tell a person about this field, in their language.
    public func message(_ language: Language) -> String {
        let field = Self.fieldNames[self.field].map { $0(language) } ?? self.field
        let reason: Text
        switch self.reason {
        case .required: reason = Text(vi: "không được để trống", en: "is required")
        case .tooLong: reason = Text(vi: "quá dài", en: "is too long")
        case .tooShort: reason = Text(vi: "quá ngắn", en: "is too short")
        case .invalidCode:
            reason = Text(
                vi: "chỉ gồm chữ thường không dấu, chữ số và dấu gạch (-, _, .)",
                en: "may hold only lowercase letters, digits and - _ .")
        case .invalidEmail: reason = Text(vi: "không phải địa chỉ thư hợp lệ", en: "is not a valid email address")
        case .invalidPhone: reason = Text(vi: "không phải số điện thoại hợp lệ", en: "is not a valid phone number")
        case .outOfRange: reason = Text(vi: "nằm ngoài giới hạn cho phép", en: "is out of range")
        case .notAllowed: reason = Text(vi: "không được phép với lựa chọn này", en: "is not allowed here")
        case .unknownReference: reason = Text(vi: "không tồn tại", en: "does not exist")
        case .invalidValue: reason = Text(vi: "không hợp lệ", en: "is not valid")
        case .weakPassword: reason = Text(vi: "quá dễ đoán", en: "is too easy to guess")
        case .alreadyExists: reason = Text(vi: "đã được dùng", en: "is already taken")
        }
        return "\(field): \(reason(language))."
    }

    static let fieldNames: [String: Text] = [
        "code": .code, "id": .code, "name": .name, "nameEn": .nameEnglish, "parent": .parent, "latitude": .latitude,
        "longitude": .longitude, "email": .email, "phone": .phone, "username": .username, "displayName": .displayName,
        "role": .role, "agency": .agency, "password": .password, "kind": .kind, "level": .level, "area": .areas,
    ]
}

/// The words for a report's status and priority: on pages, in lists and in the messages people receive.
extension Text {
    static func status(_ status: ReportWorkflow.Status) -> Text {
        switch status {
        case .received: Text(vi: "Mới tiếp nhận", en: "Received")
        case .refused: Text(vi: "Từ chối", en: "Refused")
        case .classified: Text(vi: "Đã phân loại", en: "Classified")
        case .assigned: Text(vi: "Đã chuyển xử lý", en: "Assigned")
        case .accepted: Text(vi: "Đơn vị đã nhận", en: "Accepted")
        case .inProgress: Text(vi: "Đang xử lý", en: "In progress")
        case .resolved: Text(vi: "Đã xử lý", en: "Resolved")
        case .published: Text(vi: "Đã công khai", en: "Published")
        case .rated: Text(vi: "Đã đánh giá", en: "Rated")
        case .returned: Text(vi: "Bị trả lại", en: "Returned")
        case .escalated: Text(vi: "Chuyển UBND", en: "Escalated")
        case .merged: Text(vi: "Gộp trùng", en: "Merged")
        case .reopened: Text(vi: "Mở lại", en: "Reopened")
        }
    }

    static func priority(_ priority: Priority) -> Text {
        switch priority {
        case .urgent: Text(vi: "Khẩn cấp", en: "Urgent")
        case .normal: Text(vi: "Thông thường", en: "Normal")
        case .complex: Text(vi: "Phức tạp", en: "Complex")
        }
    }
}
