/// KalkylXLSX — reading and writing .xlsx workbooks.
///
/// Owns the zip container, the streaming XML (expat) parsers, the in-memory `WorkbookModel` and the
/// writer (libxlsxwriter). It may use the engine's value and reference types; it must not import
/// KalkylReports.
public enum KalkylXLSXModule {}
