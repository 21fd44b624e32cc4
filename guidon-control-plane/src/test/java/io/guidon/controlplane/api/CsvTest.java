package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Csv}: RFC 4180 quoting and the neutralising of cells a spreadsheet would run as formulas. */
class CsvTest {

    private static String line(List<String> texts, Double... numbers) {
        StringBuilder b = new StringBuilder();
        Csv.line(b, texts, Arrays.asList(numbers));
        return b.toString();
    }

    @Test
    void plainFieldsAreWrittenAsTheyAreAndTheLineEndsWithCrlf() {
        assertThat(line(List.of("user-1", "on"), 1.0, 2.5)).isEqualTo("user-1,on,1,2.5\r\n");
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedWithQuotesDoubled() {
        assertThat(line(List.of("a,b", "say \"hi\"", "two\nlines", "cr\rhere")))
                .isEqualTo("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n");
    }

    @Test
    void cellsStartingWithAFormulaCharacterArePrefixedWithAQuote() {
        assertThat(line(List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")))
                .isEqualTo("'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\"\r\n");
        assertThat(line(List.of("=HYPERLINK(\"http://x\",\"y\")")))
                .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
    }

    @Test
    void numbersStayNumbersNegativeOnesIncludedAndUnknownOnesAreEmpty() {
        assertThat(line(List.of("k"), -3.0, -0.5, Double.NaN, null, 1e20))
                .isEqualTo("k,-3,-0.5,,,1.0E20\r\n");
    }

    @Test
    void nullAndEmptyTextAreEmptyFields() {
        assertThat(line(Arrays.asList(null, "", "x"))).isEqualTo(",,x\r\n");
    }
}
