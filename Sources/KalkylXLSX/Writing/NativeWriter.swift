import CLibz
import CXlsxWriter
import Foundation
import Kalkyl

// All C calls and pointer work of the writer live in this file: libxlsxwriter (through the
// CXlsxWriter shim), the thread's numeric locale, and zlib's deflate and CRC for the package pass.
// Everything above this file speaks Swift values; every argument is checked in Swift before the C
// call it reaches, and every `lxw_error` is turned into a thrown `NativeWriterError`.

/// A libxlsxwriter call that failed, with its own message.
struct NativeWriterError: Error, CustomStringConvertible {
    var call: String
    var message: String
    var description: String { "\(call): \(message)" }
}

/// One libxlsxwriter workbook being written. Sheets and formats are named by integer handles.
final class NativeWorkbook {
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var sheets: [UnsafeMutablePointer<lxw_worksheet>] = []
    private var formats: [UnsafeMutablePointer<lxw_format>] = []
    /// C strings handed to libxlsxwriter that must outlive the calls (freed after closing).
    private var strings: [UnsafeMutablePointer<CChar>] = []

    /// - Parameters:
    ///   - constantMemory: libxlsxwriter's `constant_memory` mode: each row is flushed to a temporary
    ///     file when the next row starts, so rows must come in order (and tables are unavailable).
    ///   - temporaryDirectory: where libxlsxwriter keeps its temporary files.
    init(path: String, constantMemory: Bool, temporaryDirectory: String?) throws {
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        options.use_zip64 = 1
        if let temporaryDirectory { options.tmpdir = keep(temporaryDirectory) }
        workbook = workbook_new_opt(path, &options)
        guard workbook != nil else {
            throw NativeWriterError(call: "workbook_new_opt", message: "libxlsxwriter could not create the workbook")
        }
    }

    deinit {
        if let workbook { lxw_workbook_free(workbook) }  // only when close() was never reached
        for s in strings { free(s) }
    }

    private func keep(_ s: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(s)!
        strings.append(copy)
        return copy
    }

    private func check(_ error: lxw_error, _ call: String) throws {
        guard error != LXW_NO_ERROR else { return }
        throw NativeWriterError(call: call, message: String(cString: lxw_strerror(error)))
    }

    private func book() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let workbook else { throw NativeWriterError(call: "workbook", message: "the workbook is already closed") }
        return workbook
    }

    private func format(_ handle: Int?) -> UnsafeMutablePointer<lxw_format>? {
        guard let handle, handle >= 0, handle < formats.count else { return nil }
        return formats[handle]
    }

    // MARK: - Workbook

    func addSheet(named name: String) throws -> Int {
        let wb = try book()
        try check(workbook_validate_sheet_name(wb, name), "workbook_validate_sheet_name('\(name)')")
        guard let sheet = workbook_add_worksheet(wb, name) else {
            throw NativeWriterError(call: "workbook_add_worksheet", message: "could not add sheet '\(name)'")
        }
        sheets.append(sheet)
        return sheets.count - 1
    }

    func setProperties(title: String?, author: String?, company: String?, created: Int64?) throws {
        var p = lxw_doc_properties()
        p.title = title.map(keep)
        p.author = author.map(keep)
        p.company = company.map(keep)
        p.created = time_t(created ?? 0)
        try check(workbook_set_properties(try book(), &p), "workbook_set_properties")
    }

    func defineName(_ name: String, formula: String) throws {
        try check(workbook_define_name(try book(), name, "=" + formula), "workbook_define_name('\(name)')")
    }

    /// Writes the package; afterwards the workbook can no longer be used.
    func close() throws {
        let wb = try book()
        workbook = nil  // workbook_close frees it, whatever the outcome
        try check(workbook_close(wb), "workbook_close")
    }

    // MARK: - Formats

    func addFormat(_ spec: FormatSpec) throws -> Int {
        guard let f = workbook_add_format(try book()) else {
            throw NativeWriterError(call: "workbook_add_format", message: "out of memory")
        }
        if let index = spec.numberFormatIndex {
            format_set_num_format_index(f, UInt8(clamping: index))
        } else if let code = spec.numberFormatCode {
            format_set_num_format(f, code)
        }
        if let name = spec.fontName { format_set_font_name(f, name) }
        if let size = spec.fontSize { format_set_font_size(f, size) }
        if spec.bold { format_set_bold(f) }
        if spec.italic { format_set_italic(f) }
        if spec.strikethrough { format_set_font_strikeout(f) }
        if let underline = spec.underline {
            let style: lxw_format_underlines = switch underline {
            case .single: LXW_UNDERLINE_SINGLE
            case .double: LXW_UNDERLINE_DOUBLE
            case .singleAccounting: LXW_UNDERLINE_SINGLE_ACCOUNTING
            case .doubleAccounting: LXW_UNDERLINE_DOUBLE_ACCOUNTING
            }
            format_set_underline(f, UInt8(style.rawValue))
        }
        switch spec.script {
        case .superscript: format_set_font_script(f, UInt8(LXW_FONT_SUPERSCRIPT.rawValue))
        case .subscript: format_set_font_script(f, UInt8(LXW_FONT_SUBSCRIPT.rawValue))
        case .baseline, nil: break
        }
        if let color = spec.fontColor { format_set_font_color(f, Self.color(color)) }

        if let pattern = spec.pattern, let code = Self.patterns[pattern], code != 0 {
            format_set_pattern(f, code)
            if let fg = spec.patternForeground { format_set_fg_color(f, Self.color(fg)) }
            if let bg = spec.patternBackground { format_set_bg_color(f, Self.color(bg)) }
        }

        for (edge, setStyle, setColor) in [
            (spec.left, format_set_left, format_set_left_color),
            (spec.right, format_set_right, format_set_right_color),
            (spec.top, format_set_top, format_set_top_color),
            (spec.bottom, format_set_bottom, format_set_bottom_color),
        ] as [(FormatSpec.Edge?, (UnsafeMutablePointer<lxw_format>?, UInt8) -> Void,
                (UnsafeMutablePointer<lxw_format>?, lxw_color_t) -> Void)] {
            guard let edge, let code = Self.borderStyles[edge.style], code != 0 else { continue }
            setStyle(f, code)
            if let color = edge.color { setColor(f, Self.color(color)) }
        }
        if let diagonal = spec.diagonal, let code = Self.borderStyles[diagonal.style], code != 0,
           spec.diagonalUp || spec.diagonalDown {
            let type: lxw_format_diagonal_types = spec.diagonalUp && spec.diagonalDown ? LXW_DIAGONAL_BORDER_UP_DOWN
                : spec.diagonalUp ? LXW_DIAGONAL_BORDER_UP : LXW_DIAGONAL_BORDER_DOWN
            format_set_diag_type(f, UInt8(type.rawValue))
            format_set_diag_border(f, code)
            if let color = diagonal.color { format_set_diag_color(f, Self.color(color)) }
        }

        if let h = spec.horizontal, let code = Self.horizontal[h] { format_set_align(f, code) }
        if let v = spec.vertical, let code = Self.vertical[v] { format_set_align(f, code) }
        if spec.wrap { format_set_text_wrap(f) }
        if spec.shrink { format_set_shrink(f) }
        if spec.indent > 0 { format_set_indent(f, UInt8(clamping: spec.indent)) }
        if spec.rotation != 0 { format_set_rotation(f, Int16(clamping: spec.rotation)) }
        if !spec.locked { format_set_unlocked(f) }
        if spec.hidden { format_set_hidden(f) }
        formats.append(f)
        return formats.count - 1
    }

    /// libxlsxwriter reads colour 0 as "unset": black has its own value.
    private static func color(_ rgb: UInt32) -> lxw_color_t {
        let c = rgb & 0xFF_FFFF
        return c == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(c)
    }

    private static let patterns: [String: UInt8] = {
        let names = ["none", "solid", "mediumGray", "darkGray", "lightGray", "darkHorizontal", "darkVertical", "darkDown",
                     "darkUp", "darkGrid", "darkTrellis", "lightHorizontal", "lightVertical", "lightDown", "lightUp",
                     "lightGrid", "lightTrellis", "gray125", "gray0625"]
        let codes: [lxw_format_patterns] = [
            LXW_PATTERN_NONE, LXW_PATTERN_SOLID, LXW_PATTERN_MEDIUM_GRAY, LXW_PATTERN_DARK_GRAY, LXW_PATTERN_LIGHT_GRAY,
            LXW_PATTERN_DARK_HORIZONTAL, LXW_PATTERN_DARK_VERTICAL, LXW_PATTERN_DARK_DOWN, LXW_PATTERN_DARK_UP,
            LXW_PATTERN_DARK_GRID, LXW_PATTERN_DARK_TRELLIS, LXW_PATTERN_LIGHT_HORIZONTAL, LXW_PATTERN_LIGHT_VERTICAL,
            LXW_PATTERN_LIGHT_DOWN, LXW_PATTERN_LIGHT_UP, LXW_PATTERN_LIGHT_GRID, LXW_PATTERN_LIGHT_TRELLIS,
            LXW_PATTERN_GRAY_125, LXW_PATTERN_GRAY_0625]
        return Dictionary(uniqueKeysWithValues: zip(names, codes.map { UInt8($0.rawValue) }))
    }()

    private static let borderStyles: [String: UInt8] = {
        let names = ["none", "thin", "medium", "dashed", "dotted", "thick", "double", "hair", "mediumDashed", "dashDot",
                     "mediumDashDot", "dashDotDot", "mediumDashDotDot", "slantDashDot"]
        let codes: [lxw_format_borders] = [
            LXW_BORDER_NONE, LXW_BORDER_THIN, LXW_BORDER_MEDIUM, LXW_BORDER_DASHED, LXW_BORDER_DOTTED, LXW_BORDER_THICK,
            LXW_BORDER_DOUBLE, LXW_BORDER_HAIR, LXW_BORDER_MEDIUM_DASHED, LXW_BORDER_DASH_DOT, LXW_BORDER_MEDIUM_DASH_DOT,
            LXW_BORDER_DASH_DOT_DOT, LXW_BORDER_MEDIUM_DASH_DOT_DOT, LXW_BORDER_SLANT_DASH_DOT]
        return Dictionary(uniqueKeysWithValues: zip(names, codes.map { UInt8($0.rawValue) }))
    }()

    private static let horizontal: [String: UInt8] = [
        "left": UInt8(LXW_ALIGN_LEFT.rawValue), "center": UInt8(LXW_ALIGN_CENTER.rawValue),
        "right": UInt8(LXW_ALIGN_RIGHT.rawValue), "fill": UInt8(LXW_ALIGN_FILL.rawValue),
        "justify": UInt8(LXW_ALIGN_JUSTIFY.rawValue), "centerContinuous": UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue),
        "distributed": UInt8(LXW_ALIGN_DISTRIBUTED.rawValue),
    ]
    private static let vertical: [String: UInt8] = [
        "top": UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue), "bottom": UInt8(LXW_ALIGN_VERTICAL_BOTTOM.rawValue),
        "center": UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue), "justify": UInt8(LXW_ALIGN_VERTICAL_JUSTIFY.rawValue),
        "distributed": UInt8(LXW_ALIGN_VERTICAL_DISTRIBUTED.rawValue),
    ]

    // MARK: - Cells

    private func sheet(_ index: Int) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard index >= 0, index < sheets.count else { throw NativeWriterError(call: "worksheet", message: "no sheet \(index)") }
        return sheets[index]
    }

    func writeNumber(_ s: Int, _ row: Int, _ column: Int, _ value: Double, format: Int?) throws {
        try check(worksheet_write_number(try sheet(s), lxw_row_t(row), lxw_col_t(column), value, self.format(format)),
                  "worksheet_write_number")
    }

    func writeString(_ s: Int, _ row: Int, _ column: Int, _ value: String, format: Int?) throws {
        try check(worksheet_write_string(try sheet(s), lxw_row_t(row), lxw_col_t(column), value, self.format(format)),
                  "worksheet_write_string")
    }

    func writeBoolean(_ s: Int, _ row: Int, _ column: Int, _ value: Bool, format: Int?) throws {
        try check(worksheet_write_boolean(try sheet(s), lxw_row_t(row), lxw_col_t(column), value ? 1 : 0, self.format(format)),
                  "worksheet_write_boolean")
    }

    func writeBlank(_ s: Int, _ row: Int, _ column: Int, format: Int?) throws {
        try check(worksheet_write_blank(try sheet(s), lxw_row_t(row), lxw_col_t(column), self.format(format)),
                  "worksheet_write_blank")
    }

    /// A formula (text without "=") with a cached number.
    func writeFormula(_ s: Int, _ row: Int, _ column: Int, _ text: String, format: Int?, number: Double) throws {
        try check(worksheet_write_formula_num(try sheet(s), lxw_row_t(row), lxw_col_t(column), "=" + text,
                                              self.format(format), number), "worksheet_write_formula_num")
    }

    /// A formula with a cached text (`t="str"`).
    func writeFormula(_ s: Int, _ row: Int, _ column: Int, _ text: String, format: Int?, string: String) throws {
        try check(worksheet_write_formula_str(try sheet(s), lxw_row_t(row), lxw_col_t(column), "=" + text,
                                              self.format(format), string), "worksheet_write_formula_str")
    }

    /// A legacy (CSE) or dynamic array formula over `range`, with the top-left cell's cached number.
    func writeArrayFormula(_ s: Int, _ range: CellRange, _ text: String, dynamic: Bool, format: Int?, number: Double) throws {
        let ws = try sheet(s)
        let r = (lxw_row_t(range.first.row), lxw_col_t(range.first.column), lxw_row_t(range.last.row), lxw_col_t(range.last.column))
        // The braces are stripped again by libxlsxwriter: this way a formula that itself starts with
        // "{" (an array constant) keeps its brace.
        let wrapped = "{=" + text + "}"
        if dynamic {
            try check(worksheet_write_dynamic_array_formula_num(ws, r.0, r.1, r.2, r.3, wrapped, self.format(format), number),
                      "worksheet_write_dynamic_array_formula_num")
        } else {
            try check(worksheet_write_array_formula_num(ws, r.0, r.1, r.2, r.3, wrapped, self.format(format), number),
                      "worksheet_write_array_formula_num")
        }
    }

    // MARK: - Layout

    func setColumns(_ s: Int, first: Int, last: Int, width: Double, format: Int?, hidden: Bool, level: Int) throws {
        var options = lxw_row_col_options(hidden: hidden ? 1 : 0, level: UInt8(clamping: level), collapsed: 0)
        try check(worksheet_set_column_opt(try sheet(s), lxw_col_t(first), lxw_col_t(last), width, self.format(format), &options),
                  "worksheet_set_column_opt")
    }

    func setRow(_ s: Int, _ row: Int, height: Double, format: Int?, hidden: Bool, level: Int) throws {
        var options = lxw_row_col_options(hidden: hidden ? 1 : 0, level: UInt8(clamping: level), collapsed: 0)
        try check(worksheet_set_row_opt(try sheet(s), lxw_row_t(row), height, self.format(format), &options),
                  "worksheet_set_row_opt")
    }

    func setDefaultRowHeight(_ s: Int, _ height: Double) throws {
        worksheet_set_default_row(try sheet(s), height, 0)
    }

    /// Registers a merged range without writing into its cells (they are written as any other cell).
    func merge(_ s: Int, _ range: CellRange) throws {
        try check(worksheet_merge_range(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                        lxw_row_t(range.last.row), lxw_col_t(range.last.column), "", nil),
                  "worksheet_merge_range(\(range.a1))")
    }

    func freezePanes(_ s: Int, rows: Int, columns: Int, topLeft: CellAddress?) throws {
        let ws = try sheet(s)
        if let topLeft {
            worksheet_freeze_panes_opt(ws, lxw_row_t(rows), lxw_col_t(columns), lxw_row_t(topLeft.row), lxw_col_t(topLeft.column), 0)
        } else {
            worksheet_freeze_panes(ws, lxw_row_t(rows), lxw_col_t(columns))
        }
    }

    func setZoom(_ s: Int, _ zoom: Int) throws { worksheet_set_zoom(try sheet(s), UInt16(clamping: zoom)) }

    func setGridlines(_ s: Int, screen: Bool, print: Bool) throws {
        let option: lxw_gridlines = switch (screen, print) {
        case (true, true): LXW_SHOW_ALL_GRIDLINES
        case (true, false): LXW_SHOW_SCREEN_GRIDLINES
        case (false, true): LXW_SHOW_PRINT_GRIDLINES
        case (false, false): LXW_HIDE_ALL_GRIDLINES
        }
        worksheet_gridlines(try sheet(s), UInt8(option.rawValue))
    }

    func setTabColor(_ s: Int, _ rgb: UInt32) throws { worksheet_set_tab_color(try sheet(s), Self.color(rgb)) }
    func setRightToLeft(_ s: Int) throws { worksheet_right_to_left(try sheet(s)) }
    func hide(_ s: Int) throws { worksheet_hide(try sheet(s)) }
    func activate(_ s: Int) throws { worksheet_activate(try sheet(s)) }
    func setLandscape(_ s: Int, _ landscape: Bool) throws {
        if landscape { worksheet_set_landscape(try sheet(s)) } else { worksheet_set_portrait(try sheet(s)) }
    }
    func setPaper(_ s: Int, _ size: Int) throws { worksheet_set_paper(try sheet(s), UInt8(clamping: size)) }
    func setPrintScale(_ s: Int, _ scale: Int) throws { worksheet_set_print_scale(try sheet(s), UInt16(clamping: scale)) }
    func fitToPages(_ s: Int, width: Int, height: Int) throws {
        worksheet_fit_to_pages(try sheet(s), UInt16(clamping: width), UInt16(clamping: height))
    }
    func centerHorizontally(_ s: Int) throws { worksheet_center_horizontally(try sheet(s)) }
    func centerVertically(_ s: Int) throws { worksheet_center_vertically(try sheet(s)) }
    func setMargins(_ s: Int, left: Double, right: Double, top: Double, bottom: Double) throws {
        worksheet_set_margins(try sheet(s), left, right, top, bottom)
    }
    func setHeader(_ s: Int, _ text: String, margin: Double?) throws {
        var options = lxw_header_footer_options()
        options.margin = margin ?? 0.3
        try check(worksheet_set_header_opt(try sheet(s), text, &options), "worksheet_set_header_opt")
    }
    func setFooter(_ s: Int, _ text: String, margin: Double?) throws {
        var options = lxw_header_footer_options()
        options.margin = margin ?? 0.3
        try check(worksheet_set_footer_opt(try sheet(s), text, &options), "worksheet_set_footer_opt")
    }
    func repeatRows(_ s: Int, first: Int, last: Int) throws {
        try check(worksheet_repeat_rows(try sheet(s), lxw_row_t(first), lxw_row_t(last)), "worksheet_repeat_rows")
    }
    func repeatColumns(_ s: Int, first: Int, last: Int) throws {
        try check(worksheet_repeat_columns(try sheet(s), lxw_col_t(first), lxw_col_t(last)), "worksheet_repeat_columns")
    }
    func printArea(_ s: Int, _ range: CellRange) throws {
        try check(worksheet_print_area(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                       lxw_row_t(range.last.row), lxw_col_t(range.last.column)), "worksheet_print_area")
    }
    func autofilter(_ s: Int, _ range: CellRange) throws {
        try check(worksheet_autofilter(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                       lxw_row_t(range.last.row), lxw_col_t(range.last.column)), "worksheet_autofilter")
    }

    // MARK: - Notes and hyperlinks

    /// A note (legacy comment), hidden until the cell is pointed at, in libxlsxwriter's default size.
    /// The text and author are checked and escaped by the caller (`NoteAndLinkPlan`).
    func writeNote(_ s: Int, _ row: Int, _ column: Int, text: String, author: String?) throws {
        var options = lxw_comment_options()
        options.visible = UInt8(LXW_COMMENT_DISPLAY_HIDDEN.rawValue)
        options.author = author.map(keep)
        try check(worksheet_write_comment_opt(try sheet(s), lxw_row_t(row), lxw_col_t(column), text, &options),
                  "worksheet_write_comment_opt")
    }

    /// A hyperlink: `url` is a URL, or `internal:` and a place in the workbook. libxlsxwriter also
    /// writes `string` into the cell (a blank for ""), so the caller writes the cell again after it.
    func writeURL(_ s: Int, _ row: Int, _ column: Int, url: String, format: Int?, string: String, tooltip: String?) throws {
        try check(worksheet_write_url_opt(try sheet(s), lxw_row_t(row), lxw_col_t(column), url, self.format(format),
                                          string, tooltip), "worksheet_write_url_opt")
    }

    // MARK: - Tables, conditional formats, data validations

    struct TableColumn {
        var header: String
        var totalFunction: String?
        var totalLabel: String?
    }

    func addTable(_ s: Int, _ range: CellRange, name: String, columns: [TableColumn], hasHeaderRow: Bool,
                  hasTotalsRow: Bool, hasAutoFilter: Bool, style: (kind: String, number: Int)?,
                  bandedRows: Bool, bandedColumns: Bool) throws {
        let functions: [String: lxw_table_total_functions] = [
            "average": LXW_TABLE_FUNCTION_AVERAGE, "countNums": LXW_TABLE_FUNCTION_COUNT_NUMS,
            "count": LXW_TABLE_FUNCTION_COUNT, "max": LXW_TABLE_FUNCTION_MAX, "min": LXW_TABLE_FUNCTION_MIN,
            "stdDev": LXW_TABLE_FUNCTION_STD_DEV, "sum": LXW_TABLE_FUNCTION_SUM, "var": LXW_TABLE_FUNCTION_VAR,
        ]
        let columnStructs = UnsafeMutablePointer<lxw_table_column>.allocate(capacity: max(columns.count, 1))
        let columnPointers = UnsafeMutablePointer<UnsafeMutablePointer<lxw_table_column>?>.allocate(capacity: columns.count + 1)
        defer {
            columnStructs.deallocate()
            columnPointers.deallocate()
        }
        for (i, c) in columns.enumerated() {
            var column = lxw_table_column()
            column.header = keep(c.header)
            if let f = c.totalFunction, let code = functions[f] { column.total_function = UInt8(code.rawValue) }
            if let label = c.totalLabel { column.total_string = keep(label) }
            (columnStructs + i).initialize(to: column)
            columnPointers[i] = columnStructs + i
        }
        columnPointers[columns.count] = nil
        var options = lxw_table_options()
        options.name = keep(name)
        options.no_header_row = hasHeaderRow ? 0 : 1
        options.no_autofilter = hasAutoFilter ? 0 : 1
        options.total_row = hasTotalsRow ? 1 : 0
        options.no_banded_rows = bandedRows ? 0 : 1
        options.banded_columns = bandedColumns ? 1 : 0
        if let style {
            let kind: lxw_table_style_type = switch style.kind {
            case "Light": LXW_TABLE_STYLE_TYPE_LIGHT
            case "Dark": LXW_TABLE_STYLE_TYPE_DARK
            default: LXW_TABLE_STYLE_TYPE_MEDIUM
            }
            options.style_type = UInt8(kind.rawValue)
            options.style_type_number = UInt8(clamping: style.number)
        }
        options.columns = columns.isEmpty ? nil : columnPointers
        try check(worksheet_add_table(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                      lxw_row_t(range.last.row), lxw_col_t(range.last.column), &options),
                  "worksheet_add_table('\(name)')")
    }

    /// A cell-value rule (`cellIs`) or an expression rule, applying a differential format.
    func conditionalFormat(_ s: Int, _ range: CellRange, rule: WritableConditionalRule, format: Int?) throws {
        var cf = lxw_conditional_format()
        switch rule.kind {
        case .expression(let formula):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
            cf.value_string = keep("=" + formula)
        case .cellIs(let op, let first, let second):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            let criteria: lxw_conditional_criteria = switch op {
            case "equal": LXW_CONDITIONAL_CRITERIA_EQUAL_TO
            case "notEqual": LXW_CONDITIONAL_CRITERIA_NOT_EQUAL_TO
            case "greaterThan": LXW_CONDITIONAL_CRITERIA_GREATER_THAN
            case "lessThan": LXW_CONDITIONAL_CRITERIA_LESS_THAN
            case "greaterThanOrEqual": LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO
            case "lessThanOrEqual": LXW_CONDITIONAL_CRITERIA_LESS_THAN_OR_EQUAL_TO
            case "between": LXW_CONDITIONAL_CRITERIA_BETWEEN
            default: LXW_CONDITIONAL_CRITERIA_NOT_BETWEEN
            }
            cf.criteria = UInt8(criteria.rawValue)
            if op == "between" || op == "notBetween" {
                cf.min_value_string = keep("=" + first)
                cf.max_value_string = keep("=" + (second ?? first))
            } else {
                cf.value_string = keep("=" + first)
            }
        }
        cf.stop_if_true = rule.stopIfTrue ? 1 : 0
        cf.format = self.format(format)
        if let extra = rule.multiRange { cf.multi_range = keep(extra) }
        try check(worksheet_conditional_format_range(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                     lxw_row_t(range.last.row), lxw_col_t(range.last.column), &cf),
                  "worksheet_conditional_format_range(\(range.a1))")
    }

    func dataValidation(_ s: Int, _ range: CellRange, _ v: WritableDataValidation) throws {
        var dv = lxw_data_validation()
        let type: lxw_validation_types = switch v.type {
        case "whole": LXW_VALIDATION_TYPE_INTEGER_FORMULA
        case "decimal": LXW_VALIDATION_TYPE_DECIMAL_FORMULA
        case "list": LXW_VALIDATION_TYPE_LIST_FORMULA
        case "date": LXW_VALIDATION_TYPE_DATE_FORMULA
        case "time": LXW_VALIDATION_TYPE_TIME_FORMULA
        case "textLength": LXW_VALIDATION_TYPE_LENGTH_FORMULA
        default: LXW_VALIDATION_TYPE_CUSTOM_FORMULA
        }
        dv.validate = UInt8(type.rawValue)
        if v.type != "list" && v.type != "custom" {
            let criteria: lxw_validation_criteria = switch v.operator {
            case "notBetween": LXW_VALIDATION_CRITERIA_NOT_BETWEEN
            case "equal": LXW_VALIDATION_CRITERIA_EQUAL_TO
            case "notEqual": LXW_VALIDATION_CRITERIA_NOT_EQUAL_TO
            case "greaterThan": LXW_VALIDATION_CRITERIA_GREATER_THAN
            case "lessThan": LXW_VALIDATION_CRITERIA_LESS_THAN
            case "greaterThanOrEqual": LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO
            case "lessThanOrEqual": LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO
            default: LXW_VALIDATION_CRITERIA_BETWEEN
            }
            dv.criteria = UInt8(criteria.rawValue)
        }
        let between = dv.criteria == UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            || dv.criteria == UInt8(LXW_VALIDATION_CRITERIA_NOT_BETWEEN.rawValue)
        if between {
            dv.minimum_formula = keep("=" + v.formula1)
            dv.maximum_formula = keep("=" + (v.formula2 ?? v.formula1))
        } else {
            dv.value_formula = keep("=" + v.formula1)
        }
        // Each flag is LXW_VALIDATION_DEFAULT (0, libxlsxwriter's default), _OFF or _ON: set both ways.
        func flag(_ on: Bool) -> UInt8 { UInt8((on ? LXW_VALIDATION_ON : LXW_VALIDATION_OFF).rawValue) }
        dv.ignore_blank = flag(v.allowBlank)
        dv.show_input = flag(v.showInputMessage)
        dv.show_error = flag(v.showErrorMessage)
        dv.dropdown = flag(v.showDropDown)
        let errorStyle: lxw_validation_error_types = switch v.errorStyle {
        case "warning": LXW_VALIDATION_ERROR_TYPE_WARNING
        case "information": LXW_VALIDATION_ERROR_TYPE_INFORMATION
        default: LXW_VALIDATION_ERROR_TYPE_STOP
        }
        dv.error_type = UInt8(errorStyle.rawValue)
        dv.input_title = v.promptTitle.map(keep)
        dv.input_message = v.prompt.map(keep)
        dv.error_title = v.errorTitle.map(keep)
        dv.error_message = v.error.map(keep)
        try check(worksheet_data_validation_range(try sheet(s), lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                  lxw_row_t(range.last.row), lxw_col_t(range.last.column), &dv),
                  "worksheet_data_validation_range(\(range.a1))")
    }
}

/// A conditional-format rule the writer can pass to libxlsxwriter.
struct WritableConditionalRule {
    enum Kind {
        case cellIs(operator: String, String, String?)
        case expression(String)
    }
    var kind: Kind
    var stopIfTrue: Bool
    /// Further ranges of the same rule (space-separated), when the rule covers several.
    var multiRange: String?
}

struct WritableDataValidation {
    var type: String
    var `operator`: String?
    var formula1: String
    var formula2: String?
    var allowBlank: Bool
    var showInputMessage: Bool
    var showErrorMessage: Bool
    var showDropDown: Bool
    var errorStyle: String?
    var promptTitle: String?
    var prompt: String?
    var errorTitle: String?
    var error: String?
}

// MARK: - Charts

/// A value cached in a chart series, so that readers which never calculate (and Excel before it
/// recalculates) draw the chart with the computed values rather than libxlsxwriter's zeros.
enum ChartCachePoint: Equatable {
    case number(Double)
    case text(String)
    case empty
}

/// The cached values of one reference of a chart, and the sheet it is on.
struct ChartCache {
    var sheet: String
    /// Empty for a range libxlsxwriter cannot cache (two-dimensional or too long).
    var points: [ChartCachePoint]
}

/// A chart as libxlsxwriter takes it, prepared and checked by `ChartWriting`. Formulas start with "=".
struct WritableChart {
    enum Kind {
        case area, areaStacked, areaPercent, bar, barStacked, barPercent, column, columnStacked, columnPercent
        case doughnut, line, lineStacked, linePercent, pie
        case scatter, scatterStraight, scatterStraightWithMarkers, scatterSmooth, scatterSmoothWithMarkers
        case radar, radarWithMarkers, radarFilled
    }
    enum Legend { case none, right, left, top, bottom, topRight }

    struct Series {
        var categories: String?
        var categoryCache: ChartCache?
        var values: String
        var valueCache: ChartCache
        /// A literal name, or a formula ("=Sheet!$B$1") with its cached text.
        var name: String?
        var nameCache: ChartCache?
        var fillColor: UInt32?
        var lineColor: UInt32?
        var invertIfNegative = false
        var dataLabels = false
    }

    var kind: Kind
    var series: [Series]
    /// A literal title, or a formula with its cached text.
    var title: String?
    var titleCache: ChartCache?
    /// No title at all, not even the automatic one of a one-series chart.
    var titleOff = false
    var categoryAxisName: String?
    var categoryLabels: CategoryLabels = .nextTo
    var categoriesReversed = false
    var valueAxisName: String?
    var valueAxisNumberFormat: String?
    var legend: Legend = .right

    enum CategoryLabels { case nextTo, low, high, none }
    /// The top-left cell and the offset into it, in pixels; the size as scales of 480 × 288 pixels.
    var row: Int
    var column: Int
    var xOffset: Int
    var yOffset: Int
    var xScale: Double
    var yScale: Double
}

extension NativeWorkbook {
    /// A row's height in pixels as libxlsxwriter sizes it when it places a chart: a row it holds
    /// (one written or formatted) by its own height, any other by the sheet's default. In
    /// constant-memory mode it holds no rows at all by then.
    func rowPixels(_ s: Int, _ row: Int) throws -> Int {
        let ws = try sheet(s)
        guard row >= 0, row < Grid.rowCount else { return 0 }
        if let r = lxw_worksheet_find_row(ws, lxw_row_t(row)) {
            return r.pointee.hidden != 0 ? 0 : Int(UInt32(4.0 / 3.0 * r.pointee.height))
        }
        return Int(UInt32(4.0 / 3.0 * ws.pointee.default_row_height))
    }

    /// Adds a chart and places it on a sheet. Nothing reaches libxlsxwriter before the checks pass,
    /// so a chart it would refuse is never half made (an added chart that is not placed is an error
    /// when the workbook closes).
    func insertChart(_ s: Int, _ chart: WritableChart) throws {
        let ws = try sheet(s)
        let call = "chart on sheet \(s)"
        guard !chart.series.isEmpty, chart.series.count <= 255 else {
            throw NativeWriterError(call: call, message: "a chart needs 1 to 255 series")
        }
        guard chart.row >= 0, chart.row < Grid.rowCount, chart.column >= 0, chart.column < Grid.columnCount,
              chart.xOffset >= 0, chart.yOffset >= 0, chart.xOffset < Int(Int32.max), chart.yOffset < Int(Int32.max),
              chart.xScale.isFinite, chart.yScale.isFinite, chart.xScale > 0, chart.yScale > 0 else {
            throw NativeWriterError(call: call, message: "the chart's place or size is outside the sheet")
        }
        let isScatter = [.scatter, .scatterStraight, .scatterStraightWithMarkers, .scatterSmooth, .scatterSmoothWithMarkers].contains(chart.kind)
        for series in chart.series {
            guard !series.values.isEmpty, !isScatter || series.categories != nil else {
                throw NativeWriterError(call: call, message: "a series without values (or a scatter series without x values)")
            }
            for cache in [series.categoryCache, series.valueCache, series.nameCache] where (cache?.points.count ?? 0) > Int(UInt16.max) {
                throw NativeWriterError(call: call, message: "a series cache of more than 65,535 points")
            }
        }
        let type: lxw_chart_type = switch chart.kind {
        case .area: LXW_CHART_AREA
        case .areaStacked: LXW_CHART_AREA_STACKED
        case .areaPercent: LXW_CHART_AREA_STACKED_PERCENT
        case .bar: LXW_CHART_BAR
        case .barStacked: LXW_CHART_BAR_STACKED
        case .barPercent: LXW_CHART_BAR_STACKED_PERCENT
        case .column: LXW_CHART_COLUMN
        case .columnStacked: LXW_CHART_COLUMN_STACKED
        case .columnPercent: LXW_CHART_COLUMN_STACKED_PERCENT
        case .doughnut: LXW_CHART_DOUGHNUT
        case .line: LXW_CHART_LINE
        case .lineStacked: LXW_CHART_LINE_STACKED
        case .linePercent: LXW_CHART_LINE_STACKED_PERCENT
        case .pie: LXW_CHART_PIE
        case .scatter: LXW_CHART_SCATTER
        case .scatterStraight: LXW_CHART_SCATTER_STRAIGHT
        case .scatterStraightWithMarkers: LXW_CHART_SCATTER_STRAIGHT_WITH_MARKERS
        case .scatterSmooth: LXW_CHART_SCATTER_SMOOTH
        case .scatterSmoothWithMarkers: LXW_CHART_SCATTER_SMOOTH_WITH_MARKERS
        case .radar: LXW_CHART_RADAR
        case .radarWithMarkers: LXW_CHART_RADAR_WITH_MARKERS
        case .radarFilled: LXW_CHART_RADAR_FILLED
        }
        guard let c = workbook_add_chart(try book(), UInt8(type.rawValue)) else {
            throw NativeWriterError(call: "workbook_add_chart", message: "libxlsxwriter could not make the chart")
        }
        for series in chart.series {
            guard let ser = chart_add_series(c, series.categories, series.values) else {
                throw NativeWriterError(call: "chart_add_series", message: "libxlsxwriter refused the series \(series.values)")
            }
            if let categories = series.categoryCache { try setCache(ser.pointee.categories, categories) }
            try setCache(ser.pointee.values, series.valueCache)
            if let name = series.name {
                chart_series_set_name(ser, name)
                if let cache = series.nameCache, name.hasPrefix("=") { try setCache(ser.pointee.title.range, cache) }
            }
            if let rgb = series.fillColor {
                var fill = lxw_chart_fill()
                fill.color = Self.color(rgb)
                chart_series_set_fill(ser, &fill)
            }
            if let rgb = series.lineColor {
                var line = lxw_chart_line()
                line.color = Self.color(rgb)
                chart_series_set_line(ser, &line)
            }
            if series.invertIfNegative { chart_series_set_invert_if_negative(ser) }
            if series.dataLabels { chart_series_set_labels(ser) }
        }
        if let title = chart.title {
            chart_title_set_name(c, title)
            if let cache = chart.titleCache, title.hasPrefix("=") { try setCache(c.pointee.title.range, cache) }
        } else if chart.titleOff {
            chart_title_off(c)
        }
        // libxlsxwriter's x axis is the category axis, except in bar charts, where it is the value axis.
        let isBar = [.bar, .barStacked, .barPercent].contains(chart.kind)
        if chart.kind != .pie && chart.kind != .doughnut,
           let x = chart_axis_get(c, LXW_CHART_AXIS_TYPE_X), let y = chart_axis_get(c, LXW_CHART_AXIS_TYPE_Y) {
            let (categoryAxis, valueAxis) = isBar ? (y, x) : (x, y)
            if let name = chart.categoryAxisName { chart_axis_set_name(categoryAxis, name) }
            let position: lxw_chart_axis_label_position? = switch chart.categoryLabels {
            case .nextTo: nil
            case .low: LXW_CHART_AXIS_LABEL_POSITION_LOW
            case .high: LXW_CHART_AXIS_LABEL_POSITION_HIGH
            case .none: LXW_CHART_AXIS_LABEL_POSITION_NONE
            }
            if let position { chart_axis_set_label_position(categoryAxis, UInt8(position.rawValue)) }
            if chart.categoriesReversed { chart_axis_set_reverse(categoryAxis) }
            if let name = chart.valueAxisName { chart_axis_set_name(valueAxis, name) }
            if let format = chart.valueAxisNumberFormat { chart_axis_set_num_format(valueAxis, format) }
        }
        let legend: lxw_chart_legend_position = switch chart.legend {
        case .none: LXW_CHART_LEGEND_NONE
        case .right: LXW_CHART_LEGEND_RIGHT
        case .left: LXW_CHART_LEGEND_LEFT
        case .top: LXW_CHART_LEGEND_TOP
        case .bottom: LXW_CHART_LEGEND_BOTTOM
        case .topRight: LXW_CHART_LEGEND_TOP_RIGHT
        }
        chart_legend_set_position(c, UInt8(legend.rawValue))

        var options = lxw_chart_options()
        options.x_offset = Int32(chart.xOffset)
        options.y_offset = Int32(chart.yOffset)
        options.x_scale = chart.xScale
        options.y_scale = chart.yScale
        try check(worksheet_insert_chart_opt(ws, lxw_row_t(chart.row), lxw_col_t(chart.column), c, &options),
                  "worksheet_insert_chart_opt")
    }

    /// Fills a series range's cache with our values and tells libxlsxwriter to leave it alone
    /// (`ignore_cache`, as its own test helper does). Setting the sheet name also spares it parsing
    /// the formula, which it does without understanding doubled quotes. The points are allocated
    /// with calloc and strdup: libxlsxwriter frees them with free() along with the chart. A text
    /// cache (`strCache`) needs text in every point, so numbers are spelled out there.
    private func setCache(_ range: UnsafeMutablePointer<lxw_series_range>?, _ cache: ChartCache) throws {
        guard let range, let head = range.pointee.data_cache else { return }
        guard head.pointee.stqh_first == nil, range.pointee.sheetname == nil else { return }  // already filled
        guard let name = strdup(cache.sheet) else { throw NativeWriterError(call: "chart cache", message: "out of memory") }
        range.pointee.sheetname = name
        range.pointee.ignore_cache = 1
        let nextOffset = MemoryLayout<lxw_series_data_point>.offset(of: \lxw_series_data_point.list_pointers)!
        let hasText = cache.points.contains { if case .text = $0 { true } else { false } }
        for var p in cache.points {
            if hasText, case .number(let x) = p { p = .text(NumberText.general(x)) }
            guard let raw = calloc(1, MemoryLayout<lxw_series_data_point>.size) else {
                throw NativeWriterError(call: "chart cache", message: "out of memory")
            }
            let point = raw.bindMemory(to: lxw_series_data_point.self, capacity: 1)
            switch p {
            case .number(let x):
                point.pointee.number = x.isFinite ? x : 0
                if !x.isFinite { point.pointee.no_data = 1 }
            case .text(let s):
                guard let copy = strdup(s) else {
                    free(raw)
                    throw NativeWriterError(call: "chart cache", message: "out of memory")
                }
                point.pointee.is_string = 1
                point.pointee.string = copy
            case .empty:
                point.pointee.no_data = 1
            }
            // STAILQ_INSERT_TAIL(head, point, list_pointers)
            point.pointee.list_pointers.stqe_next = nil
            head.pointee.stqh_last.pointee = point
            head.pointee.stqh_last = (raw + nextOffset).assumingMemoryBound(to: UnsafeMutablePointer<lxw_series_data_point>?.self)
        }
        range.pointee.num_data_points = UInt16(cache.points.count)
        range.pointee.has_string_cache = hasText ? 1 : 0
    }
}

// MARK: - Numeric locale

/// Runs `body` with this thread's LC_NUMERIC set to "C" (libxlsxwriter prints numbers with printf,
/// so a decimal-comma locale would write `1,5` into the XML). Thread-local (`uselocale`): other
/// threads and the process locale are untouched.
func withCNumericLocale<T>(_ body: () throws -> T) rethrows -> T {
    // The thread's current locale (possibly the global one), copied, with LC_NUMERIC replaced.
    guard let copy = duplocale(uselocale(nil)) else { return try body() }
    guard let numericC = newlocale(LC_NUMERIC_MASK, "C", copy) else {  // consumes `copy` on success
        freelocale(copy)
        return try body()
    }
    let previous = uselocale(numericC)
    defer {
        uselocale(previous)
        freelocale(numericC)
    }
    return try body()
}

/// `%.16G`, as libxlsxwriter 1.1.4 prints a number.
func libxlsxwriterNumberText(_ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 48)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.16G", $0) }
    return cText(buffer)
}

private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

// MARK: - Files

/// Renames a file over another atomically (POSIX `rename`); the error text when it fails.
func renameReplacing(_ from: String, _ to: String) -> String? {
    rename(from, to) == 0 ? nil : String(cString: strerror(errno))
}

// MARK: - zlib

/// CRC-32 of bytes, continued from `crc`.
func zipCRC32(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { b in
        UInt32(truncatingIfNeeded: crc32(uLong(crc), b.baseAddress, uInt(b.count)))
    }
}

/// Raw deflate (no zlib header), as zip entries hold it, fed chunk by chunk.
final class RawDeflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var open = false

    init(level: Int32 = 6) throws {
        guard deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw NativeWriterError(call: "deflateInit2", message: "zlib could not start")
        }
        open = true
    }

    deinit { if open { deflateEnd(&stream) } }

    /// Compresses `input` (all of it), passing compressed bytes to `sink`; `finish` ends the stream.
    func compress(_ input: [UInt8], finish: Bool, sink: ([UInt8]) throws -> Void) throws {
        var input = input
        let count = input.count
        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(count)
            while true {
                let outputSize = output.count
                let (status, produced): (Int32, Int) = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(outputSize)
                    let status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    return (status, outputSize - Int(stream.avail_out))
                }
                if status == Z_STREAM_ERROR { throw NativeWriterError(call: "deflate", message: "stream error") }
                if produced > 0 { try sink(Array(output[0..<produced])) }
                if finish {
                    if status == Z_STREAM_END { break }
                } else if stream.avail_in == 0 && produced < outputSize {
                    break
                }
            }
            stream.next_in = nil
        }
    }
}
