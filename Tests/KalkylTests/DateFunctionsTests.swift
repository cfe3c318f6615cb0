import Testing
@testable import Kalkyl

@Suite("Date and time functions")
struct DateFunctionsTests {
    @Test func dateCarriesOverAndKeepsThe1900Bug() {
        #expect(calc("=DATE(2023,14,1)") == 45323)
        #expect(calc("=DATE(2023,-1,15)") == 44880)
        #expect(calc("=DATE(99,1,1)") == 36161)
        #expect(calc("=DATE(1900,1,1)") == 1)
        #expect(calc("=DATE(1900,2,29)") == 60)
        #expect(calc("=DATE(0,1,0)") == 0)
        #expect(calc("=DATE(1,0,0)") == 335)
        #expect(calc("=DATE(0.9,0.9,0.9)") == .error(.number))
        #expect(calc("=DATE(9999,12,31)") == 2958465)
        #expect(calc("=DATE(1904,1,1)", date1904: true) == 0)
    }

    @Test func yearMonthDay() {
        #expect(calc("=YEAR(2958465.99998843)") == 9999)
        #expect(calc("=YEAR(2958466)") == .error(.number))
        #expect(calc("=YEAR(-5)") == .error(.number))
        #expect(calc("=YEAR(0)") == 1900)
        #expect(calc("=DAY(0)") == 0)
        #expect(calc("=DAY(60)") == 29)
        #expect(calc("=MONTH(61)") == 3)
        #expect(calc("=DAY(\"2023-03-05\")") == 5)
        #expect(calc("=MONTH(\"5-Mar-2023\")") == 3)
        #expect(calc("=YEAR(\"7/5/10000\")") == .error(.value))
        #expect(calc("=DAY(TRUE)") == 1)
    }

    @Test func timeAndItsParts() {
        #expect(close(calc("=TIME(14,30,0)"), 0.604166666666667))
        #expect(close(calc("=TIME(25,0,0)"), 1.0 / 24))
        #expect(calc("=TIME(23,59,60)") == 0)
        #expect(calc("=TIME(0,0,-1)") == .error(.number))
        #expect(close(calc("=TIME(32767,32767,32767)"), 0.4257754629629744, tolerance: 1e-12))
        #expect(calc("=HOUR(0.75)") == 18)
        #expect(calc("=MINUTE(0.51)") == 14)
        #expect(calc("=MINUTE(45000.123456)") == 57)
        #expect(calc("=HOUR(\"14:45\")") == 14)
        #expect(calc("=HOUR(-1)") == .error(.number))
    }

    @Test func dateAndTimeValues() {
        #expect(calc("=DATEVALUE(\"3/5/2023\")") == 44990)
        #expect(calc("=DATEVALUE(\"5-Mar-2023\")") == 44990)
        #expect(calc("=DATEVALUE(\"March 5, 2023\")") == 44990)
        #expect(calc("=DATEVALUE(\"1900-02-29\")") == 60)
        #expect(calc("=DATEVALUE(\"12/31/1899\")") == .error(.value))
        #expect(calc("=DATEVALUE(\"2024-02-29 06:00\")") == 45351)
        #expect(calc("=DATEVALUE(\"1/1/1987 02:00 AM\")") == 31778)
        #expect(calc("=DATEVALUE(1)") == .error(.value))
        #expect(close(calc("=TIMEVALUE(\"2:30 PM\")"), 0.604166666666667))
        #expect(close(calc("=TIMEVALUE(\"14:30:15\")"), 0.604340277777778))
        #expect(calc("=TIMEVALUE(\"2023-03-05 06:00\")") == 0.25)
        #expect(calc("=TIMEVALUE(\"24:00\")") == 0)
        #expect(calc("=TIMEVALUE(\"12:00 PM\")") == 0.5)
        #expect(calc("=TIMEVALUE(\" 1:30 \")") == 0.0625)
    }

    @Test func weekdaysAndWeeks() {
        #expect(calc("=WEEKDAY(DATE(2023,3,5),2)") == 7)
        #expect(calc("=WEEKDAY(DATE(2023,3,5),11)") == 7)
        #expect(calc("=WEEKDAY(DATE(2023,3,5),16)") == 2)
        #expect(calc("=WEEKDAY(DATE(2023,3,5),4)") == .error(.number))
        #expect(calc("=WEEKDAY(0)") == 7)
        #expect(calc("=WEEKNUM(DATE(2023,1,1))") == 1)
        #expect(calc("=WEEKNUM(DATE(2021,1,3),21)") == 53)
        #expect(calc("=WEEKNUM(DATE(2023,12,31),1)") == 53)
        #expect(calc("=WEEKNUM(1987,2)") == 24)
        #expect(calc("=WEEKNUM(0,1)") == 0)
        #expect(calc("=WEEKNUM(TRUE,1)") == .error(.value))
        #expect(calc("=ISOWEEKNUM(DATE(2020,12,31))") == 53)
        #expect(calc("=ISOWEEKNUM(1)") == 52)
        #expect(calc("=ISOWEEKNUM(8)") == 1)
    }

    @Test func dayCounts() {
        #expect(calc("=DAYS(DATE(2023,12,31),DATE(2023,1,1))") == 364)
        #expect(calc("=DAYS360(DATE(2023,1,31),DATE(2023,3,31))") == 60)
        #expect(calc("=DAYS360(DATE(2023,1,31),DATE(2023,3,31),TRUE)") == 60)
        #expect(calc("=DAYS360(DATE(2023,2,28),DATE(2023,3,31))") == 30)
    }

    @Test func datedif() {
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"Y\")") == 3)
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"M\")") == 37)
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"D\")") == 1150)
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"YM\")") == 1)
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"YD\")") == 54)
        #expect(calc("=DATEDIF(DATE(2020,1,15),DATE(2023,3,10),\"MD\")") == 23)
        #expect(calc("=DATEDIF(DATE(2023,1,31),DATE(2023,3,1),\"M\")") == 1)
        #expect(calc("=DATEDIF(DATE(2023,3,10),DATE(2020,1,15),\"Y\")") == .error(.number))
        #expect(calc("=DATEDIF(8,1987,\"YD\")") == 153)
        #expect(calc("=DATEDIF(8,1987,\"a\")") == .error(.number))
    }

    @Test func yearfrac() {
        #expect(calc("=YEARFRAC(DATE(2023,1,1),DATE(2023,7,1))") == 0.5)
        #expect(close(calc("=YEARFRAC(DATE(2023,1,1),DATE(2023,7,1),1)"), 0.495890410958904))
        #expect(close(calc("=YEARFRAC(DATE(2023,1,1),DATE(2023,7,1),3)"), 0.495890410958904))
        #expect(calc("=YEARFRAC(DATE(2023,1,1),DATE(2023,7,1),4)") == 0.5)
        #expect(calc("=YEARFRAC(DATE(2023,7,1),DATE(2023,1,1))") == 0.5)
        #expect(close(calc("=YEARFRAC(DATE(2023,1,31),DATE(2023,2,28),0)"), 0.0777777777777778))
        #expect(close(calc("=YEARFRAC(36015,45386,1)"), 25.65574934090448))
        #expect(close(calc("=YEARFRAC(1987,345,1)"), 4.496576905522592))
        #expect(calc("=YEARFRAC(44921,44561,2)") == 1)
        #expect(calc("=YEARFRAC(3,345,TRUE)") == .error(.value))
    }

    @Test func monthShifts() {
        #expect(calc("=EDATE(DATE(2023,1,31),1)") == 44985)
        #expect(calc("=EDATE(DATE(2024,1,31),1)") == 45351)
        #expect(calc("=EDATE(DATE(2023,5,15),-2.7)") == 45000)
        #expect(calc("=EDATE(8,\"2\")") == 68)
        #expect(calc("=EOMONTH(0,0)") == 31)
        #expect(calc("=EOMONTH(44987,TRUE)") == .error(.value))
        #expect(calc("=EDATE(A1:A2,1)", ["A1": 1, "A2": 2], at: "C1") == .error(.value))
    }

    @Test func workingDays() {
        let holidays: [String: CellValue] = ["A1": 44928, "A2": 44942, "A3": 44977, "A4": 45111]
        #expect(calc("=NETWORKDAYS(DATE(2023,1,7),DATE(2023,1,8))") == 0)
        #expect(calc("=NETWORKDAYS.INTL(DATE(2023,1,1),DATE(2023,1,31),11)") == 26)
        #expect(calc("=NETWORKDAYS.INTL(DATE(2023,1,1),DATE(2023,1,31),\"0000011\")") == 22)
        #expect(calc("=WORKDAY(DATE(2023,1,1),10)") == 44939)
        #expect(calc("=WORKDAY(DATE(2023,1,7),0)") == 44933)
        #expect(calc("=WORKDAY.INTL(DATE(2023,1,1),5,7)") == 44934)
        #expect(calc("=NETWORKDAYS(DATE(2023,1,1),DATE(2023,1,31),A1:A4)", holidays) == 20)
        #expect(calc("=WORKDAY(DATE(2023,1,1),10,A1:A4)", holidays) == 44943)
        #expect(calc("=WORKDAY(DATE(2023,1,1),1000)") == 46325)
        #expect(calc("=NETWORKDAYS(DATE(2023,1,1),46325)") == 1000)
        #expect(calc("=WORKDAY(46325,-1000)") == 44925)
    }

    @Test func textDates() {
        #expect(DateText.serial(from: "2026-05-31") == 46173)
        #expect(DateText.serial(from: "5/31/2026") == 46173)
        #expect(DateText.serial(from: "5/31/26") == 46173)
        #expect(DateText.serial(from: "31-May-2026") == 46173)
        #expect(DateText.serial(from: "May 31, 2026") == 46173)
        #expect(DateText.serial(from: "31 May 2026") == 46173)
        #expect(DateText.serial(from: "May-2026") == 46143)
        #expect(DateText.serial(from: "2026-05-31 13:30") == 46173 + 13.5 / 24)
        #expect(DateText.serial(from: "1:30 PM") == 13.5 / 24)
        #expect(DateText.serial(from: "2 PM") == 14.0 / 24)
        #expect(DateText.serial(from: "25:00") == 25.0 / 24)
        #expect(DateText.serial(from: "13:60") == nil)
        #expect(DateText.serial(from: "2/30/2026") == nil)
        #expect(DateText.serial(from: "7/5/10000") == nil)
        #expect(DateText.serial(from: "7/5/1800") == nil)
        #expect(DateText.serial(from: "A1") == nil)
        #expect(DateText.serial(from: "hello") == nil)
        #expect(DateText.serial(from: "1904-01-01", date1904: true) == 0)
        #expect(calc("=\"5/31/2026\"+1") == 46174)
    }

    @Test func system1904() {
        #expect(calc("=DATE(2026,5,31)", date1904: true) == .number(46173 - 1462))
        #expect(calc("=WEEKDAY(0)", date1904: true) == 6)
        #expect(calc("=YEAR(0)", date1904: true) == 1904)
        #expect(calc("=DATEVALUE(\"1/1/1904\")", date1904: true) == 0)
    }
}

@Suite("Dates written day first")
struct DayFirstDateTextTests {
    @Test func dayFirstWhenTheFirstNumberCannotBeAMonth() {
        #expect(calc("=DATEVALUE(\"13/01/1900\")") == 13)
        #expect(calc("=DATEVALUE(\"29/02/1900\")") == 60)  // Excel's phantom leap day
        #expect(calc("=DATEVALUE(\"1/2/2026\")") == calc("=DATE(2026,1,2)"))  // month first when possible
        #expect(calc("=MONTH(\"26/08\")") == 8)
    }
}
