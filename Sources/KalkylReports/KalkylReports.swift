/// KalkylReports — ledger input (xlsx, CSV), periods, templates and the budget reports.
///
/// It uses the engine (Kalkyl) and the file formats (KalkylXLSX); nothing imports it but the
/// command-line tool.
public enum KalkylReportsModule {}
