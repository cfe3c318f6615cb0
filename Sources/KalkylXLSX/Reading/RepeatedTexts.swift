/// The texts a run of cells has read, found again by their bytes, so that a text the sheet repeats
/// is one `String` in the sheet's table: a ledger repeats a few hundred names (cost centres,
/// accounts) over 100,000 rows as inline strings, and each would otherwise be a String of its own,
/// an allocation while reading and 30-odd bytes the engine keeps for every such cell.
///
/// Only short texts are looked up, and once `maxEntries` different ones have been seen the rest are
/// stored as they come (a column of unique descriptions gains nothing from the lookup).
struct RepeatedTexts {
    private struct Entry {
        var hash: UInt32
        var offset: Int32
        var length: Int32
        var index: UInt64
    }

    static let maxLength = 64
    static let maxEntries = 16_384

    private var slots = [Int32](repeating: -1, count: 256)  // indices into `entries`; size a power of two
    private var entries: [Entry] = []
    private var bytes: [UInt8] = []  // the texts' bytes as read (before `_xHHHH_` escapes are decoded)

    /// The index in `cells`' own strings of the text whose XML bytes are `text`, stored there when new.
    mutating func index(of text: UnsafeBufferPointer<UInt8>, in cells: inout CellStore) -> UInt64 {
        guard text.count <= Self.maxLength, entries.count < Self.maxEntries else {
            return cells.appendLocalString(XMLValueText.string(text))
        }
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in text { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash, Int(entry.length) == text.count, sameBytes(entry, text) { return entry.index }
            slot = (slot + 1) & mask
        }
        let index = cells.appendLocalString(XMLValueText.string(text))
        slots[slot] = Int32(entries.count)
        entries.append(Entry(hash: hash, offset: Int32(bytes.count), length: Int32(text.count), index: index))
        bytes.append(contentsOf: text)
        if entries.count * 2 > slots.count { grow() }
        return index
    }

    private func sameBytes(_ entry: Entry, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { stored in
            var i = 0
            let start = Int(entry.offset)
            while i < text.count {
                if stored[start + i] != text[i] { return false }
                i += 1
            }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (i, entry) in entries.enumerated() {
            var slot = Int(entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}
