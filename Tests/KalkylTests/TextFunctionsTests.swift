import Testing
@testable import Kalkyl

/// Expected values come from workbooks saved by Excel (the conformance corpus) and Microsoft's
/// documentation.
@Suite("Text functions")
struct TextFunctionsTests {
    // MARK: TEXT and number formats

    @Test func textNumberFormats() {
        #expect(calc(###"=TEXT(1234.567,"#,##0.00")"###) == "1,234.57")
        #expect(calc(###"=TEXT(0.256,"0.0%")"###) == "25.6%")
        #expect(calc(###"=TEXT(1234567.891,"#,##0.0,,\M")"###) == "1.2M")
        #expect(calc(###"=TEXT(-1234.5,"#,##0.00;[Red](#,##0.00)")"###) == "(1,234.50)")
        #expect(calc(###"=TEXT(0,"0;-0;""zero""")"###) == "zero")
        #expect(calc(###"=TEXT(-12.3,"$###.##")"###) == "-$12.3")
        #expect(calc(###"=TEXT(1234567,"?,?????????")"###) == "    1,234,567")
        #expect(calc(###"=TEXT(1234567,"0,000000000")"###) == "0,001,234,567")
        #expect(calc(###"=TEXT(1234567,"#,.#,")"###) == "1.2")
        #expect(calc(###"=TEXT(890123.456789,"#.###.#.#.#")"###) == "890123.456.7.8.9")
        #expect(calc(###"=TEXT(890123.456789,"%#%#%")"###) == "%89012345678%9%")
        #expect(calc(###"=TEXT(1234567890,"0,## ##, ##")"###) == "1,234,56 7,8 90")
        #expect(calc(###"=TEXT(1234,"5000700")"###) == "5012734")
        #expect(calc(###"=TEXT(1234.56,"$x*y#,##0* ")"###) == "$x1,235")
        #expect(calc(###"=TEXT(1,"#.##")"###) == "1.")
        #expect(calc(###"=TEXT(-1,"")"###) == "-")
    }

    @Test func textSectionsAndConditions() {
        #expect(calc(###"=TEXT(1.5,"[<10]#"" Wow""")"###) == "2 Wow")
        #expect(calc(###"=TEXT(10,"[<10]#"" Wow""")"###) == "10")
        #expect(calc(###"=TEXT(-9,"[>-10]#"" Big""")"###) == "-9 Big")
        #expect(calc(###"=TEXT(3,"[<=1]a;[=2]aa;xxx")"###) == "xxx")
        #expect(calc(###"=TEXT(0,"w;x;z@")"###) == "w")
        #expect(calc(###"=TEXT(-1,"w;x@")"###) == "-w")
        #expect(calc(###"=TEXT("X","##.00;-  ##.0;""ZERO"";->@<-@")"###) == "->X<-X")
        #expect(calc(###"=TEXT("X",";-  ##.0;""ZERO""@;""X""")"###) == .error(.value))
        #expect(calc(###"=TEXT(1.23,"#""°F""""")"###) == .error(.value))
        #expect(calc(###"=TEXT("abc","0.00")"###) == "abc")
        #expect(calc(###"=TEXT("12.5","0.0")"###) == "12.5")
        #expect(calc(###"=TEXT(5,"@")"###) == "5")
    }

    @Test func textFractionsAndScientific() {
        #expect(calc(###"=TEXT(23.75,"|#\:#/#|")"###) == "|23:3/4|")
        #expect(calc(###"=TEXT(0.75,"|#-#-#\:#/#|")"###) == "|--3/4|")
        #expect(calc(###"=TEXT(0,"|#\:#=/=?|")"###) == "|0      |")
        #expect(calc(###"=TEXT(3.75,"|#_#/#|")"###) == "|15 /4|")
        #expect(calc(###"=TEXT(23.75,"|#\:? ?0#/000")"###) == "|2:3  03/004")
        #expect(calc(###"=TEXT(0,"|?\:0=/=#|")"###) == "|0:0=/=1|")
        #expect(calc(###"=TEXT(12200000,"0.00E-##")"###) == "1.22E7")
        #expect(calc(###"=TEXT(0.000122,"0.00E+##")"###) == "1.22E-4")
        #expect(calc("=TEXT(12200000,\"#######.0E+00\")") == "1.2E+07")
    }

    @Test func textDatesAndTimes() {
        #expect(calc(###"=TEXT(0.5,"h:mm AM/PM")"###) == "12:00 PM")
        #expect(calc(###"=TEXT(1.75,"[h]:mm")"###) == "42:00")
        #expect(calc(###"=TEXT(130,"m mm mmm mmmm mmmmm mmmmmm mmmmmmm")"###) == "5 05 May May M May May")
        #expect(calc(###"=TEXT(130,"d dd ddd dddd ddddd dddddd")"###) == "9 09 Wed Wednesday Wednesday Wednesday")
        #expect(calc(###"=TEXT(130,"y yy yyy yyyy yyyyyy")"###) == "00 00 1900 1900 1900")
        #expect(calc(###"=TEXT(130.33332,"hm hmm hmmm hmmmm")"###) == "759 759 7May 7May")
        #expect(calc(###"=TEXT(60,"yyyy-mm-dd")"###) == "1900-02-29")
        #expect(calc(###"=TEXT(0,"""-> ""#.00;-#;""SS""m;""ZERO""@")"###) == "SS1")
        #expect(calc(###"=TEXT(-1,"[h]")"###) == "-24")
        #expect(calc(###"=TEXT(-1,"[h]:m")"###) == .error(.value))
        #expect(calc(###"=TEXT(2958466,"[h]")"###) == "71003184")
        #expect(calc(###"=TEXT(2958466,"yy")"###) == .error(.value))
        #expect(calc(###"=TEXT(0,"[s].000")"###) == "0.000")
    }

    @Test func textGeneral() {
        #expect(calc(###"=TEXT(1.2345678912,"General")"###) == "1.234567891")
        #expect(calc(###"=TEXT(100000000000,"General")"###) == "1E+11")
        #expect(calc(###"=TEXT(112345900000,"General")"###) == "1.12346E+11")
        #expect(calc(###"=TEXT(0.000000001,"General")"###) == "0.000000001")
        #expect(calc(###"=TEXT(-1.123459E-10,"General")"###) == "-1.12346E-10")
    }

    // MARK: Numbers converted to text

    @Test func numberToText() {
        #expect(calc("=CONCATENATE(1/3)") == "0.333333333333333")
        #expect(calc(###"="a"&0.000001"###) == "a0.000001")
        #expect(calc(###"="a"&1E-7"###) == "a0.0000001")
        #expect(calc(###"="a"&-0"###) == "a0")
        #expect(calc("=LEN(1/3)") == 17)
        #expect(NumberText.general(1e20) == "1E+20")
        #expect(NumberText.general(1.23456789012345678e17) == "1.23456789012346E+17")
        #expect(NumberText.general(1.28233995888454E-06) == "1.28233995888454E-06")
        #expect(NumberText.general(0.0000692442674613868) == "0.0000692442674613868")
        #expect(NumberText.general(1e-18) == "0.000000000000000001")
        #expect(NumberText.general(1e-20) == "1E-20")
    }

    // MARK: Functions

    @Test func pieces() {
        #expect(calc(###"=LEFT("Finance",-1)"###) == .error(.value))
        #expect(calc(###"=LEFT("ciao",1.9)"###) == "c")
        #expect(calc(###"=RIGHT("Finance",4)"###) == "ance")
        #expect(calc(###"=MID("Finance",0,2)"###) == .error(.value))
        #expect(calc(###"=LEN("😀")"###) == 2)
        #expect(calc(###"=REPLACE("abcdef",10,1,"Z")"###) == "abcdefZ")
        #expect(calc(###"=REPLACE(2023,3,2,"99")"###) == "2099")
        #expect(calc(###"=LEFTB(2.3,2)"###) == "2.")
    }

    @Test func findAndSearch() {
        #expect(calc(###"=FIND("a","Banana",3)"###) == 4)
        #expect(calc(###"=FIND("A","Banana")"###) == .error(.value))
        #expect(calc(###"=FIND("ia","山田太郎ciao",1)"###) == 6)
        #expect(calc(###"=SEARCH("*na","Banana")"###) == 1)
        #expect(calc(###"=SEARCH("~*","a*b")"###) == 2)
        #expect(calc(###"=SEARCH("BASE","database",5)"###) == 5)
        #expect(calc(###"=SEARCH("BASE","database",6)"###) == .error(.value))
    }

    @Test func substituteAndRept() {
        #expect(calc(###"=SUBSTITUTE("aaa","a","aa")"###) == "aaaaaa")
        #expect(calc(###"=SUBSTITUTE("Hello","l","L",5)"###) == "Hello")
        #expect(calc(###"=SUBSTITUTE(1234,3,9)"###) == "1294")
        #expect(calc(###"=SUBSTITUTE("a-b","-","+",TRUE)"###) == .error(.value))
        #expect(calc(###"=REPT("x",2.9)"###) == "xx")
        #expect(calc(###"=REPT("ab",20000)"###) == .error(.value))
    }

    @Test func caseAndCleaning() {
        #expect(calc(###"=PROPER("o'brien-smith 2nd")"###) == "O'Brien-Smith 2Nd")
        #expect(calc(###"=TRIM("  a   b  ")"###) == "a b")
        #expect(calc("=CLEAN(\"a\" & CHAR(10) & \"b\")") == "ab")
        #expect(calc(###"=EXACT(1,"1")"###) == true)
        #expect(calc(###"=EXACT("a","A")"###) == false)
    }

    @Test func codes() {
        #expect(calc("=CHAR(65)") == "A")
        #expect(calc("=CHAR(0)") == .error(.value))
        #expect(calc(###"=CODE("abc")"###) == 97)
        #expect(calc(###"=UNICODE("€")"###) == 8364)
        #expect(calc(###"=UNICODE("")"###) == .error(.value))
        #expect(calc("=UNICHAR(12398)") == "の")
    }

    @Test func fixedAndDollar() {
        #expect(calc("=FIXED(1234.567,1)") == "1,234.6")
        #expect(calc("=FIXED(1234.567,-1)") == "1,230")
        #expect(calc("=FIXED(-1234.567,2,TRUE)") == "-1234.57")
        #expect(calc(###"=FIXED("123456789076754345682.2121234567832131341",0)"###) == "123,456,789,076,754,000,000")
        #expect(calc("=FIXED(1,128)") == .error(.value))
        #expect(calc("=DOLLAR(-0.5)") == "($0.50)")
        #expect(calc("=DOLLAR(1234.567)") == "$1,234.57")
    }

    @Test func valuesAndNumberValue() {
        #expect(calc(###"=VALUE("$1,000.50")"###) == 1000.5)
        #expect(calc(###"=VALUE("")"###) == .error(.value))
        #expect(calc(###"=NUMBERVALUE("3.5%")"###) == 0.035)
        #expect(calc(###"=NUMBERVALUE("(2.500,27)",",",".")"###) == -2500.27)
        #expect(calc(###"=NUMBERVALUE("(2,500.27)",",",".")"###) == .error(.value))
        #expect(close(calc(###"=NUMBERVALUE("(,25,,0,0.27E + 6%)%",".",",.,")"###), -250027))
        #expect(calc(###"=NUMBERVALUE("250)027",")")"###) == 250.027)
        #expect(calc(###"=T(123)"###) == "")
    }

    @Test func joining() {
        #expect(calc(###"=TEXTJOIN("/",TRUE,"North","","South")"###) == "North/South")
        #expect(calc(###"=TEXTJOIN({"-","+"},FALSE,1,2,3)"###) == "1-2+3")
        #expect(calc(###"=CONCAT("a",{1,2},TRUE)"###) == "a12TRUE")
        #expect(calc(###"=ARRAYTOTEXT({1,"a";TRUE,2.5},1)"###) == ###"{1,"a";TRUE,2.5}"###)
        #expect(calc(###"=ARRAYTOTEXT({1,"a";TRUE,2.5})"###) == "1, a, TRUE, 2.5")
        #expect(calc(###"=VALUETOTEXT("x",1)"###) == ###""x""###)
        #expect(calc(###"=VALUETOTEXT(1,2)"###) == .error(.value))
    }

    @Test func splitting() {
        #expect(calc(###"=TEXTBEFORE("1,2,3,4,5,6,7,8",{"3","4"},2)"###) == "1,2,3,")
        #expect(calc(###"=TEXTBEFORE("1,2,3,4,5,6,7,8",{"3","4"},-1)"###) == "1,2,3,")
        #expect(calc(###"=TEXTAFTER("1,2,3,4,5,6,7,8",{"3","4"},1)"###) == ",4,5,6,7,8")
        #expect(calc(###"=TEXTAFTER("1,2,3,4,5,6,7,8",{"3","4"},10)"###) == .error(.notAvailable))
        #expect(calc(###"=TEXTAFTER("1,2,3",",",0)"###) == .error(.value))
        #expect(calc(###"=TEXTSPLIT("123434,43r23123-1,2.3",2.3)"###) == "123434,43r23123-1,")
        #expect(calc(###"=TEXTSPLIT("abc","")"###) == .error(.value))
        #expect(calc(###"=INDEX(TEXTSPLIT("a,b;c",",",";"),2,2)"###) == .error(.notAvailable))
    }

    @Test func regularExpressions() {
        #expect(calc(###"=REGEXTEST("abc123","^[a-z]+\d+$")"###) == true)
        #expect(calc(###"=REGEXEXTRACT("LonelyPlanet","[A-Z][a-z]+")"###) == "Lonely")
        #expect(calc(###"=INDEX(REGEXEXTRACT("LonelyPlanet","[A-Z][a-z]+",1),1,2)"###) == "Planet")
        #expect(calc(###"=REGEXREPLACE("a1b22","\d+","#")"###) == "a#b#")
    }

    @Test func bahtText() {
        #expect(calc("=BAHTTEXT(157)") == "หนึ่งร้อยห้าสิบเจ็ดบาทถ้วน")
        #expect(calc("=BAHTTEXT(65.8)") == "หกสิบห้าบาทแปดสิบสตางค์")
        #expect(calc("=BAHTTEXT(-1)") == "ลบหนึ่งบาทถ้วน")
    }
}
