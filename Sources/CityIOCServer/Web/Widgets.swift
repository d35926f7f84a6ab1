import CityIOCDomain
import Foundation
import Hummingbird

/// Small pieces of markup that many pages share.
enum Widgets {
    static func option(_ value: String, _ label: String, selected: Bool) -> HTML {
        "<option value=\"\(value)\"\(HTML(raw: selected ? " selected" : ""))>\(label)</option>"
    }

    static func select(name: String, options: [(String, String)], selected: String?, blank: String? = nil) -> HTML {
        var parts: [HTML] = []
        if let blank { parts.append(option("", blank, selected: selected == nil || selected == "")) }
        parts += options.map { option($0.0, $0.1, selected: $0.0 == selected) }
        return "<select name=\"\(name)\" id=\"f-\(name)\">\(parts)</select>"
    }

    static func activeTag(_ active: Bool, _ language: Language) -> HTML {
        active
            ? "<span class=\"tag ok\">\(Text.active(language))</span>"
            : "<span class=\"tag bad\">\(Text.inactive(language))</span>"
    }

    static func empty(_ language: Language, columns: Int) -> HTML {
        "<tr><td colspan=\"\(columns)\">\(Text.nothingFound(language))</td></tr>"
    }

    /// Photos as small copies that open the whole photo, videos in the browser's player, other
    /// files (HEIC, QuickTime) as links to download. `token`: the reporter's addresses.
    static func gallery(_ attachments: [Attachment], token: String? = nil, language: Language, controls: ((Attachment) -> HTML)? = nil) -> HTML {
        guard !attachments.isEmpty else { return "" }
        let items: [HTML] = attachments.map { attachment in
            guard let controls else { return item(attachment, token: token, language: language) }
            let note: HTML = attachment.withdrawn.map { "<span class=\"tag warn\">\(Text(vi: "Đã ẩn", en: "Withdrawn")(language)): \($0)</span>" } ?? ""
            return "<figure>\(item(attachment, token: token, language: language))<figcaption>\(note)\(controls(attachment))</figcaption></figure>"
        }
        return "<div class=\"gallery\">\(items)</div>"
    }

    static func item(_ attachment: Attachment, token: String?, language: Language) -> HTML {
        let whole = AttachmentController.path(attachment, token: token)
        let kind = attachment.mediaType.isImage ? Text(vi: "Ảnh", en: "Photo")(language) : Text(vi: "Video", en: "Video")(language)
        if attachment.mediaType.isImage, attachment.hasThumbnail || attachment.mediaType.displayable {
            let source = AttachmentController.path(attachment, token: token, small: attachment.hasThumbnail)
            return "<a href=\"\(whole)\"><img src=\"\(source)\" alt=\"\(kind) \(attachment.fileName ?? "")\" loading=\"lazy\"></a>"
        }
        if !attachment.mediaType.isImage, attachment.mediaType.displayable {
            return "<video controls preload=\"metadata\" src=\"\(whole)\" aria-label=\"\(kind)\"></video>"
        }
        let size = String(format: "%.1f MB", Double(attachment.byteCount) / 1_048_576)
        return "<a class=\"file\" href=\"\(whole)\" download>\(kind) \(attachment.fileName ?? attachment.mediaType.fileExtension) · \(size)</a>"
    }

    /// The file field of a form that takes photos and a video, with the limits said and
    /// checked in the browser before sending (the server checks again).
    static func fileInput(name: String, limits: Attachment.Limits, language: Language) -> HTML {
        let megabytes = { (bytes: Int) in bytes >> 20 }
        let label = Text(
            vi: "Ảnh, video (tối đa \(limits.files) tệp; ảnh đến \(megabytes(limits.imageBytes)) MB, một video đến \(megabytes(limits.videoBytes)) MB)",
            en: "Photos, a video (up to \(limits.files) files; photos up to \(megabytes(limits.imageBytes)) MB, one video up to \(megabytes(limits.videoBytes)) MB)")
        let tooMany = Text(vi: "Chỉ gửi được tối đa \(limits.files) tệp.", en: "At most \(limits.files) files can be sent.")
        let tooLarge = Text(vi: "Tệp %s quá lớn.", en: "The file %s is too large.")
        return """
            <label>\(label(language))<input type="file" name="\(name)" multiple accept="image/jpeg,image/png,image/webp,image/heic,video/mp4,video/quicktime,video/webm" \
            data-max-files="\(limits.files)" data-max-image="\(limits.imageBytes)" data-max-video="\(limits.videoBytes)" \
            data-too-many="\(tooMany(language))" data-too-large="\(tooLarge(language))"></label>
            """
    }

    static func agencyOptions(_ agencies: [Agency], language: Language) -> [(String, String)] {
        agencies.map { ($0.id.rawValue, language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name) }
    }
}

extension Agency {
    func displayName(_ language: Language) -> String { language == .en && !nameEn.isEmpty ? nameEn : name }
}

extension Response {
    /// After a form post: go to a page with a GET (303), so reloading does not post again.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
