import CityIOCDomain
import Foundation

/// The citizen-report categories of the demo city: what people report to hotline 1022 most,
/// with the agency that handles each by default (nil: routed by ward, when routing rules exist).
enum DemoCatalogue {
    static let size = ServiceAttribute(
        code: "size", datatype: .singlevaluelist, required: true, order: 1, description: "Kích thước chỗ hư hỏng / Size of the damage",
        values: [
            .init(key: "small", name: "Nhỏ (dưới 0,5 m) / Small"), .init(key: "medium", name: "Vừa (0,5–2 m) / Medium"),
            .init(key: "large", name: "Lớn (trên 2 m) / Large"),
        ])
    static let depth = ServiceAttribute(
        code: "depth_cm", datatype: .number, required: false, order: 1, description: "Độ sâu nước ngập (cm) / Water depth (cm)",
        datatypeDescription: "0–300")
    static let when = ServiceAttribute(
        code: "time_of_day", datatype: .singlevaluelist, required: false, order: 1, description: "Thời điểm xảy ra / When it happens",
        values: [.init(key: "day", name: "Ban ngày / Daytime"), .init(key: "night", name: "Ban đêm (22h–6h) / At night")])
    static let safety = ServiceAttribute(
        code: "danger_notice", datatype: .text, required: false, variable: false, order: 0,
        description: "Nếu có nguy hiểm đến tính mạng, hãy gọi 113 / 114 / 115. In danger, call 113 / 114 / 115.")

    static let services: [Service] = [
        Service(
            code: "o-ga", name: "Hư hỏng mặt đường, ổ gà", nameEn: "Damaged road surface, potholes",
            description: "Ổ gà, sụt lún, bong tróc mặt đường", descriptionEn: "Potholes, subsidence, broken road surface",
            group: "Hạ tầng giao thông", keywords: ["đường", "ổ gà", "road", "pothole"], defaultAgency: "so-xay-dung", attributes: [size]),
        Service(
            code: "ngap-ung", name: "Ngập úng, tắc cống thoát nước", nameEn: "Flooding, blocked drains",
            description: "Đường ngập, cống tắc, nắp cống hỏng", descriptionEn: "Flooded streets, blocked or broken drains",
            group: "Thoát nước", keywords: ["ngập", "cống", "flood", "drain"], defaultAgency: "so-xay-dung", priority: .urgent,
            attributes: [safety, depth]),
        Service(
            code: "rac-thai", name: "Rác thải, vệ sinh môi trường", nameEn: "Garbage, sanitation",
            description: "Rác không được thu gom, đổ trộm phế thải", descriptionEn: "Uncollected garbage, dumped waste",
            group: "Môi trường", keywords: ["rác", "garbage", "waste"], defaultAgency: "moi-truong-do-thi"),
        Service(
            code: "chieu-sang", name: "Đèn chiếu sáng công cộng hỏng", nameEn: "Broken street lights",
            group: "Hạ tầng đô thị", keywords: ["đèn", "light"], defaultAgency: "so-xay-dung"),
        Service(
            code: "cay-xanh", name: "Cây xanh gãy đổ, nguy hiểm", nameEn: "Fallen or dangerous trees",
            group: "Hạ tầng đô thị", keywords: ["cây", "tree"], defaultAgency: "so-xay-dung", priority: .urgent, attributes: [safety]),
        Service(
            code: "tieng-on", name: "Tiếng ồn, gây mất trật tự", nameEn: "Noise, public disorder",
            group: "An ninh trật tự", keywords: ["ồn", "noise", "karaoke"], defaultAgency: "cong-an-tinh", attributes: [when]),
        Service(
            code: "xay-dung-trai-phep", name: "Xây dựng trái phép", nameEn: "Illegal construction",
            group: "Trật tự xây dựng", keywords: ["xây dựng", "construction"], defaultAgency: "so-xay-dung", priority: .complex),
        Service(
            code: "lan-chiem-via-he", name: "Lấn chiếm vỉa hè, lòng đường", nameEn: "Encroachment on pavements and roads",
            group: "Trật tự đô thị", keywords: ["vỉa hè", "pavement"], defaultAgency: nil),
        Service(
            code: "cap-nuoc", name: "Mất nước, rò rỉ đường ống", nameEn: "No water, leaking pipes",
            group: "Cấp nước", keywords: ["nước", "water"], defaultAgency: "cap-nuoc", priority: .urgent),
        Service(
            code: "an-toan-thuc-pham", name: "An toàn thực phẩm", nameEn: "Food safety",
            group: "Y tế", keywords: ["thực phẩm", "food"], defaultAgency: "so-y-te"),
        Service(
            code: "khac", name: "Vấn đề khác", nameEn: "Something else",
            description: "Khi không rõ thuộc lĩnh vực nào; trung tâm sẽ phân loại.", descriptionEn: "When no category fits; the centre classifies it.",
            group: "Khác", keywords: ["khác", "other"], defaultAgency: nil),
    ]
}
