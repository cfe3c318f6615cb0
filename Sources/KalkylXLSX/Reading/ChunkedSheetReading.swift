import Foundation

/// Reads one large worksheet part with several expat parsers at once.
///
/// Inflating a part is one stream, and so is one expat parser: a 100,000-row ledger would keep one
/// core busy while the others wait. Here the thread that inflates cuts the XML at row ends
/// (`</row>`, `</x:row>`) into chunks of about `chunkBytes`; the sheet's own parser reads the
/// start of the part up to the first cut and everything after the last, and each chunk between is
/// read on its own, wrapped in an element so it is a document, by a parser on another thread (or
/// by the inflating thread when the others are behind). `WorksheetParser.finish` then puts the
/// chunks' rows in file order, with the result one parser would have had.
///
/// A cut is only trusted where the sheet's parser stands between rows inside `<sheetData>`, and
/// each chunk must be well-formed on its own, so every later cut is one too. Anything unexpected
/// — a chunk that is not well-formed (a `</row>` inside a comment), a row without its number at a
/// chunk's start, any error in the XML — throws, and the caller reads the part again on one
/// thread, which gives the exact error and line.
struct ChunkedSheetReading: Sendable {
    /// Parts smaller than this (inflated) are read on one thread.
    var minimumPartBytes: UInt64 = 4 << 20
    /// About this much XML a chunk.
    var chunkBytes = 512 << 10
    /// The sheet's own parser reads the start of the part on the inflating thread while the others
    /// wait, so its first cut comes early.
    var headBytes = 64 << 10
    /// Threads besides the caller's that parse chunks.
    var helpers = max(1, min(3, ProcessInfo.processInfo.activeProcessorCount - 1))

    func applies(to part: String, in archive: PackageArchive) -> Bool {
        guard let size = archive.inflatedSize(of: part) else { return false }
        return size >= minimumPartBytes
    }

    /// Streams `part` into `parser` (not yet finished) and returns the chunks' readers to insert at
    /// its split, in order (none when the part offered no place to split).
    func read(_ part: String, from archive: PackageArchive, into parser: WorksheetParser,
              date1904: Bool) throws -> [SheetDataReader] {
        let file = archive.fileName
        let xml = XMLStreamParser(file: file, part: part, handler: parser)
        let queue = ChunkQueue(limit: 2 * helpers + 2)
        let job: @Sendable (ChunkQueue.Chunk) throws -> SheetDataReader = { chunk in
            try Self.parse(chunk, file: file, part: part, date1904: date1904)
        }
        let threads = (0..<helpers).map { _ in
            let thread = Thread { queue.work(job) }
            thread.stackSize = 1 << 20
            return thread
        }
        threads.forEach { $0.start() }
        defer { queue.close(); queue.waitForHelpers(threads.count) }

        var pending: [UInt8] = []
        pending.reserveCapacity(chunkBytes + (512 << 10))
        var searchFrom = 0  // in `pending`: no row end before this, past the current chunk's minimum
        var checkedEncoding = false
        var splitting = true  // false: everything that comes goes to the sheet's parser
        var split = false
        var lines = 0  // line breaks in the part before `pending`
        var linesInChunks = 0
        var nextIndex = 0

        func feedSheetParser(_ bytes: UnsafeRawBufferPointer) throws {
            if split { xml.lineOffset = linesInChunks }
            try xml.feed(bytes)
        }
        /// The sheet's parser reads the start of the part up to the first cut; each later piece is a chunk.
        func cut(_ piece: Range<Int>) throws {
            let newlines = pending.withUnsafeBytes { Self.lineBreaks(in: UnsafeRawBufferPointer(rebasing: $0[piece])) }
            if split {
                let chunk = ChunkQueue.Chunk(index: nextIndex, bytes: Array(pending[piece]), lineOffset: lines)
                queue.submit(chunk, orRun: job)
                nextIndex += 1
                linesInChunks += newlines
            } else {
                try pending.withUnsafeBytes { try xml.feed(UnsafeRawBufferPointer(rebasing: $0[piece])) }
                split = parser.splitRows(xml)
            }
            lines += newlines
        }
        try archive.readBytes(part) { data in
            if queue.hasFailed { throw ChunkNeedsSequentialRead() }
            guard splitting else { return try feedSheetParser(data) }
            pending.append(contentsOf: data.bindMemory(to: UInt8.self))
            if !checkedEncoding {
                guard pending.count >= 256 else { return }
                checkedEncoding = true
                splitting = Self.isUTF8(pending)
                guard splitting else {
                    try pending.withUnsafeBytes { try feedSheetParser($0) }
                    pending = []
                    return
                }
            }
            var start = 0
            var size: Int { split ? chunkBytes : min(chunkBytes, headBytes) }
            while pending.count - start >= size {
                guard let end = Self.firstRowEnd(in: pending, from: max(searchFrom, start + size)) else {
                    searchFrom = max(searchFrom, pending.count - 16)
                    break
                }
                try cut(start..<end)
                start = end
            }
            if start > 0 {
                pending.removeSubrange(0..<start)
                searchFrom = max(0, searchFrom - start)
            }
            if pending.count > 8 * chunkBytes {  // no row end for long: not rows, or rows too long to cut
                splitting = false
                try pending.withUnsafeBytes { try feedSheetParser($0) }
                pending = []
            }
        }
        if !pending.isEmpty { try pending.withUnsafeBytes { try feedSheetParser($0) } }
        try xml.finish()
        return try queue.finish(count: nextIndex, helping: job)
    }

    /// One chunk of rows, read by a parser of its own.
    private static func parse(_ chunk: ChunkQueue.Chunk, file: String, part: String, date1904: Bool) throws -> SheetDataReader {
        let reader = SheetDataReader.forChunk(part: part, date1904: date1904, expectedCells: chunk.bytes.count / 64)
        let xml = XMLStreamParser(file: file, part: part, handler: reader)
        xml.lineOffset = chunk.lineOffset
        try Self.open.withUnsafeBytes { try xml.feed($0) }
        try chunk.bytes.withUnsafeBytes { try xml.feed($0) }
        try Self.close.withUnsafeBytes { try xml.feed($0) }
        try xml.finish()
        return reader
    }

    private static let open = Array("<kalkyl-rows>".utf8)
    private static let close = Array("</kalkyl-rows>".utf8)

    // MARK: - Bytes

    /// Whether the part is UTF-8 (a chunk is read without the part's XML declaration): no UTF-16
    /// byte-order mark or zero bytes, and no declared encoding other than UTF-8.
    static func isUTF8(_ head: [UInt8]) -> Bool {
        let prefix = head.prefix(256)
        if prefix.starts(with: [0xFE, 0xFF]) || prefix.starts(with: [0xFF, 0xFE]) || prefix.contains(0) { return false }
        let text = String(decoding: prefix, as: UTF8.self)
        guard text.hasPrefix("<?xml") || text.hasPrefix("\u{FEFF}<?xml") else { return true }
        // A declaration that does not end within the window may name any encoding: not cut.
        guard let end = text.range(of: "?>") else { return false }
        let declaration = text[..<end.lowerBound].lowercased()
        guard let encoding = declaration.range(of: "encoding") else { return true }
        let rest = declaration[encoding.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        return rest.hasPrefix("utf-8") || rest.hasPrefix("utf8")
    }

    /// The position just after the first row end tag (`</row>`, `</x:row >`) that ends at or after
    /// `from`.
    static func firstRowEnd(in bytes: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBufferPointer { b -> Int? in
            var i = max(from, 5)
            while i < b.count {
                defer { i += 1 }
                guard b[i] == UInt8(ascii: ">") else { continue }
                var j = i - 1
                while j > 0, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { j -= 1 }
                guard j >= 4, b[j] == UInt8(ascii: "w"), b[j - 1] == UInt8(ascii: "o"), b[j - 2] == UInt8(ascii: "r") else { continue }
                var k = j - 3
                if b[k] == UInt8(ascii: ":") {  // a prefix: </x:row>
                    k -= 1
                    while k > 1, isNameByte(b[k]) { k -= 1 }
                }
                if k >= 1, b[k] == UInt8(ascii: "/"), b[k - 1] == UInt8(ascii: "<") { return i + 1 }
            }
            return nil
        }
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
            || c == 0x2E || c >= 0x80
    }

    /// Line breaks as expat counts them: LF, CR LF and a lone CR each end a line.
    static func lineBreaks(in bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        var count = 0
        for byte: UInt8 in [0x0A, 0x0D] {
            var p = base
            let end = base + bytes.count
            while p < end, let hit = memchr(p, Int32(byte), end - p) {
                let h = UnsafeRawPointer(hit)
                // A CR followed by an LF is counted with the LF.
                if byte == 0x0A || h + 1 >= end || h.load(fromByteOffset: 1, as: UInt8.self) != 0x0A { count += 1 }
                p = h + 1
            }
        }
        return count
    }
}

/// Chunks waiting for a parser, and the readers made of them, shared by the inflating thread and
/// the helpers. Bounded: when it is full, the inflating thread parses a chunk itself.
final class ChunkQueue: @unchecked Sendable {
    struct Chunk: Sendable {
        var index: Int
        var bytes: [UInt8]
        var lineOffset: Int
    }

    private let condition = NSCondition()
    private let limit: Int
    private var waiting: [Chunk] = []
    private var head = 0
    private var results: [Int: Result<SheetDataReader, Error>] = [:]
    private var closed = false
    private var failed = false
    private var helpersDone = 0

    init(limit: Int) { self.limit = limit }

    var hasFailed: Bool { condition.lock(); defer { condition.unlock() }; return failed }

    /// Queues the chunk, or when the queue is full, runs the oldest waiting chunk here first.
    func submit(_ chunk: Chunk, orRun job: (Chunk) throws -> SheetDataReader) {
        condition.lock()
        let own = waiting.count - head >= limit ? takeLocked() : nil
        waiting.append(chunk)
        condition.signal()
        condition.unlock()
        if let own { store(own.index, Result { try job(own) }) }
    }

    /// A helper thread's loop: parse chunks until the queue is closed and empty, or something failed.
    func work(_ job: (Chunk) throws -> SheetDataReader) {
        while let chunk = take() { store(chunk.index, Result { try job(chunk) }) }
        condition.lock()
        helpersDone += 1
        condition.broadcast()
        condition.unlock()
    }

    /// No more chunks: helpers stop once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func waitForHelpers(_ count: Int) {
        condition.lock()
        while helpersDone < count { condition.wait() }
        condition.unlock()
    }

    /// Closes the queue, parses what is left on this thread too, and returns the readers in order
    /// (the first chunk's error when one failed).
    func finish(count: Int, helping job: (Chunk) throws -> SheetDataReader) throws -> [SheetDataReader] {
        close()
        while let chunk = tryTake() { store(chunk.index, Result { try job(chunk) }) }
        condition.lock()
        while results.count < count && !failed { condition.wait() }
        let collected = results
        condition.unlock()
        return try (0..<count).map { i in
            guard let result = collected[i] else { throw ChunkNeedsSequentialRead() }
            return try result.get()
        }
    }

    private func take() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while head == waiting.count && !closed && !failed { condition.wait() }
        return failed ? nil : takeLocked()
    }

    private func tryTake() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        return failed ? nil : takeLocked()
    }

    private func takeLocked() -> Chunk? {
        guard head < waiting.count else { return nil }
        let chunk = waiting[head]
        waiting[head].bytes = []
        head += 1
        if head > 64 && head * 2 > waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        return chunk
    }

    private func store(_ index: Int, _ result: Result<SheetDataReader, Error>) {
        condition.lock()
        results[index] = result
        if case .failure = result { failed = true }
        condition.broadcast()
        condition.unlock()
    }
}
