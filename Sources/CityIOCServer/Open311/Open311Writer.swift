import CityIOCDomain
import Foundation
import Hummingbird

/// Writes an Open311 document as it goes, in JSON or XML, into one buffer: a list of a thousand
/// requests is written field by field, with no tree of values built (and freed) first — that
/// tree was a fifth of the time of a week's list. `Open311Document` writes itself through this
/// writer too, so both ways follow the same rules: every value has a name, the XML element's;
/// in JSON a member of an object is written with its name, an item of a list without.
struct Open311Writer {
    let format: Open311Document.Format
    private(set) var bytes: [UInt8] = []
    /// The lists and objects begun and not yet ended, innermost last: the name to close the XML
    /// element with, whether it is an object (JSON names its members), whether it is still empty.
    private var open: [(name: String, object: Bool, empty: Bool)] = []

    /// `capacity`: the bytes expected, so that a long list is not copied each time it outgrows
    /// its buffer. XML begins with its declaration.
    init(_ format: Open311Document.Format, capacity: Int = 4096) {
        self.format = format
        bytes.reserveCapacity(capacity)
        if format == .xml { bytes.append(contentsOf: #"<?xml version="1.0" encoding="utf-8"?>"#.utf8) }
    }

    /// The document as an HTTP answer in its format.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    mutating func text(_ name: String, _ value: String?) {
        guard let value else { return null(name) }
        if format == .json {
            member(name)
            JSONText.append(value, to: &bytes)
        } else {
            element(name)
            HTML.escape(value, into: &bytes)
            close(name)
        }
    }

    /// An instant in a zone `offset` seconds east of UTC, as RFC 3339 (`Timestamp.local`).
    mutating func time(_ name: String, _ date: Date?, offset: Int) {
        guard let date else { return null(name) }
        if format == .json {
            member(name)
            bytes.append(0x22)
            Timestamp.appendLocal(date, offset: offset, to: &bytes)
            bytes.append(0x22)
        } else {
            element(name)
            Timestamp.appendLocal(date, offset: offset, to: &bytes)
            close(name)
        }
    }

    mutating func number(_ name: String, _ value: Int) { scalar(name, String(value)) }

    /// A number that is not finite is JSON's `null` (JSON has no other way to write it).
    mutating func decimal(_ name: String, _ value: Double?) {
        guard let value else { return null(name) }
        scalar(name, format == .json && !value.isFinite ? "null" : String(value))
    }

    mutating func flag(_ name: String, _ value: Bool) { scalar(name, value ? "true" : "false") }

    mutating func null(_ name: String) {
        if format == .json {
            member(name)
            bytes.append(contentsOf: "null".utf8)
        } else {
            bytes.append(UInt8(ascii: "<"))
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: "/>".utf8)
        }
    }

    /// Begins an object; its members follow, then `end()`.
    mutating func beginObject(_ name: String) { begin(name, object: true) }

    /// Begins a list; its items follow, each named `item` in XML, then `end()`.
    mutating func beginList(_ name: String) { begin(name, object: false) }

    /// Ends the innermost list or object.
    mutating func end() {
        let (name, object, _) = open.removeLast()
        if format == .json { bytes.append(UInt8(ascii: object ? "}" : "]")) } else { close(name) }
    }

    private mutating func begin(_ name: String, object: Bool) {
        if format == .json {
            member(name)
            bytes.append(UInt8(ascii: object ? "{" : "["))
        } else {
            element(name)
        }
        open.append((name, object, true))
    }

    private mutating func scalar(_ name: String, _ text: String) {
        if format == .json {
            member(name)
            bytes.append(contentsOf: text.utf8)
        } else {
            element(name)
            bytes.append(contentsOf: text.utf8)
            close(name)
        }
    }

    /// JSON: the comma before all but the first value of a list or object, and the member's name.
    private mutating func member(_ name: String) {
        guard let last = open.indices.last else { return }
        if open[last].empty { open[last].empty = false } else { bytes.append(UInt8(ascii: ",")) }
        if open[last].object {
            JSONText.append(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private mutating func element(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    private mutating func close(_ name: String) {
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }
}
