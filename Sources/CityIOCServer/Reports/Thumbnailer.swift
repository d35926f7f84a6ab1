import CityIOCDomain
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small JPEG copies of photos for the desk's lists, the report page and phones on slow links.
///
/// Decoding JPEG, PNG and WebP is libgd's work (Debian's `libgd3`, Homebrew's `gd`), opened when
/// the server starts rather than linked: CityIOC builds with nothing but SQLite's headers, and a
/// machine without libgd still takes photos, only without small copies (the pages then show
/// the photo itself, scaled by the browser). `.ci/run` installs libgd so the tests make real ones.
struct Thumbnailer: Sendable {
    /// The longest side of a small copy, in pixels.
    static let size = 480
    /// Photos larger than this (in pixels) are kept but not decoded: 100 MP is far beyond a phone.
    static let maximumPixels = 100_000_000

    private typealias CreateFromPointer = @convention(c) (Int32, UnsafeMutableRawPointer?) -> OpaquePointer?
    private typealias Scale = @convention(c) (OpaquePointer?, UInt32, UInt32) -> OpaquePointer?
    private typealias Rotate = @convention(c) (OpaquePointer?, Float, Int32) -> OpaquePointer?
    private typealias Flip = @convention(c) (OpaquePointer?) -> Void
    private typealias EncodeJPEG = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, Int32) -> UnsafeMutableRawPointer?
    private typealias Destroy = @convention(c) (OpaquePointer?) -> Void
    private typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias ErrorMethod = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void
    private typealias SetErrorMethod = @convention(c) (ErrorMethod?) -> Void

    /// libgd's entry points; immutable addresses in a library that stays loaded.
    private struct Library: @unchecked Sendable {
        let decoders: [MediaType: CreateFromPointer]
        let scale: Scale
        let rotate: Rotate
        let flipHorizontal: Flip
        let encode: EncodeJPEG
        let destroy: Destroy
        let free: Free
    }

    private let library: Library?

    /// Which library was opened, for the start-up log; nil when none was found.
    let libraryName: String?

    /// Opens libgd, or gives a thumbnailer that makes none.
    init(enabled: Bool = true) {
        let names = ["libgd.so.3", "libgd.so", "/opt/homebrew/lib/libgd.dylib", "/usr/local/lib/libgd.dylib", "libgd.3.dylib", "libgd.dylib"]
        guard enabled, let (handle, name) = names.lazy.compactMap({ name in dlopen(name, RTLD_NOW | RTLD_LOCAL).map { ($0, name) } }).first else {
            library = nil
            libraryName = nil
            return
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let jpeg = symbol("gdImageCreateFromJpegPtr", as: CreateFromPointer.self),
            let png = symbol("gdImageCreateFromPngPtr", as: CreateFromPointer.self),
            let scale = symbol("gdImageScale", as: Scale.self), let rotate = symbol("gdImageRotateInterpolated", as: Rotate.self),
            let flip = symbol("gdImageFlipHorizontal", as: Flip.self), let encode = symbol("gdImageJpegPtr", as: EncodeJPEG.self),
            let destroy = symbol("gdImageDestroy", as: Destroy.self), let free = symbol("gdFree", as: Free.self)
        else {
            library = nil
            libraryName = nil
            return
        }
        var decoders: [MediaType: CreateFromPointer] = [.jpeg: jpeg, .png: png]
        decoders[.webp] = symbol("gdImageCreateFromWebpPtr", as: CreateFromPointer.self)
        // A broken photo is a sender's problem, answered by keeping it without a small copy;
        // libgd's own complaints to standard error would only alarm whoever reads the logs.
        let quiet: ErrorMethod = { _, _, _ in }
        symbol("gdSetErrorMethod", as: SetErrorMethod.self)?(quiet)
        library = Library(decoders: decoders, scale: scale, rotate: rotate, flipHorizontal: flip, encode: encode, destroy: destroy, free: free)
        libraryName = name
    }

    var available: Bool { library != nil }

    /// A JPEG no larger than `size` on its longest side, upright, or nil when the type is not
    /// decodable here, the photo is broken, or it is too large to decode safely.
    func thumbnail(of data: Data, type: MediaType, header: ImageHeader?) -> Data? {
        guard let library, let decode = library.decoders[type], let header, header.pixels <= Self.maximumPixels, data.count < Int(Int32.max)
        else { return nil }
        // libgd's `…Ptr` readers take `void *` but only read it: no copy of a 10 MB photo.
        guard
            var image = data.withUnsafeBytes({ buffer in decode(Int32(buffer.count), buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }) })
        else { return nil }
        defer { library.destroy(image) }
        let longest = max(header.width, header.height)
        let ratio = min(1, Double(Self.size) / Double(longest))
        let width = max(1, Int((Double(header.width) * ratio).rounded()))
        let height = max(1, Int((Double(header.height) * ratio).rounded()))
        if ratio < 1 {
            guard let scaled = library.scale(image, UInt32(width), UInt32(height)) else { return nil }
            library.destroy(image)
            image = scaled
        }
        // EXIF orientation: libgd turns anticlockwise for a positive angle; 2, 4, 5, 7 are mirrored.
        let turn: Float? = [3: 180, 4: 180, 5: 90, 6: 270, 7: 270, 8: 90][header.orientation]
        if [2, 4, 5, 7].contains(header.orientation) { library.flipHorizontal(image) }
        if let turn {
            guard let turned = library.rotate(image, turn, 0) else { return nil }
            library.destroy(image)
            image = turned
        }
        var length: Int32 = 0
        guard let encoded = library.encode(image, &length, 80), length > 0 else { return nil }
        defer { library.free(encoded) }
        return Data(bytes: encoded, count: Int(length))
    }
}
