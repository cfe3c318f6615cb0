import Kalkyl

/// A chart on a worksheet, reduced to what a report chart needs and libxlsxwriter can write:
/// its kind, its series (as reference formulas, so that moving rows moves them), titles, legend
/// and where it is anchored.
public struct ChartModel: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Horizontal bars (`barDir="bar"`).
        case bar
        /// Vertical bars (`barDir="col"`).
        case column
        case line
        case pie
        case doughnut
        case area
        case scatter
        case radar
    }

    public enum Grouping: String, Sendable, Equatable { case clustered, stacked, percentStacked, standard }

    public struct Series: Sendable, Equatable {
        /// The series name: a reference formula (`'Rapport'!$C$4`) or nil when `nameLiteral` is used.
        public var nameReference: String?
        public var nameLiteral: String?
        /// Category labels, a reference formula such as `'Rapport'!$A$5:$A$21`.
        public var categories: String?
        /// The values, a reference formula such as `'Rapport'!$D$5:$D$21`.
        public var values: String
        /// Solid fill (bars, areas, pie) or line colour, ARGB.
        public var color: UInt32?
        /// Bars with negative values drawn in a different colour (`invertIfNegative`).
        public var invertIfNegative = false
        /// Values shown on the points.
        public var dataLabels = false

        public init(values: String, categories: String? = nil, nameReference: String? = nil, nameLiteral: String? = nil) {
            self.values = values
            self.categories = categories
            self.nameReference = nameReference
            self.nameLiteral = nameLiteral
        }
    }

    /// Where the chart is drawn: from one cell corner to another, offsets in EMU (1/914400 inch).
    public struct Anchor: Sendable, Equatable {
        public var from: CellAddress
        public var fromOffset: (x: Int, y: Int)
        public var to: CellAddress
        public var toOffset: (x: Int, y: Int)

        public init(from: CellAddress, fromOffset: (x: Int, y: Int) = (0, 0), to: CellAddress, toOffset: (x: Int, y: Int) = (0, 0)) {
            self.from = from
            self.fromOffset = fromOffset
            self.to = to
            self.toOffset = toOffset
        }

        public static func == (a: Anchor, b: Anchor) -> Bool {
            a.from == b.from && a.to == b.to && a.fromOffset == b.fromOffset && a.toOffset == b.toOffset
        }
    }

    public var kind: Kind
    public var grouping: Grouping = .clustered
    /// The `scatterStyle` or `radarStyle` of scatter and radar charts as read (`lineMarker`,
    /// `smoothMarker`, `marker`, `filled`, …); nil for the other kinds.
    public var variant: String?
    public var series: [Series] = []
    public var title: String?
    /// A title taken from a cell: a reference formula such as `'Rapport'!$A$1` (then `title` is nil).
    public var titleReference: String?
    /// The file turned off the automatic title (`autoTitleDeleted`) that Excel otherwise shows for a
    /// chart with one series.
    public var autoTitleDeleted = false
    public var categoryAxisTitle: String?
    public var valueAxisTitle: String?
    /// Where the category labels sit (`c:tickLblPos`): `nextTo` (Excel's default: at the zero
    /// line, over negative bars), `low`, `high`, `none`.
    public var categoryLabelPosition: String?
    /// Categories drawn in reverse order (`c:scaling/c:orientation maxMin`): a horizontal bar chart
    /// then lists them top-down as the table does.
    public var categoriesReversed = false
    /// Number format of the value axis, e.g. `#,##0`.
    public var valueAxisNumberFormat: String?
    /// `r`, `l`, `t`, `b`, `tr`; nil: no legend.
    public var legendPosition: String?
    public var anchor: Anchor
    /// The zip part it was read from, for messages.
    public var part: String = ""

    public init(kind: Kind, anchor: Anchor) {
        self.kind = kind
        self.anchor = anchor
    }
}
