/// KalkylReports — ledger input, periods, templates and the budget reports.
/// It uses the engine and the xlsx reader and writer; nothing imports it but the command.
public enum KalkylReportsModule {}
