package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0", "1.2.3", "10.20.30", "2.0.0-rc.1", "1.0.0-alpha.beta+exp.sha.5114f85",
            "1.2.3+build.7"})
    void strictTakesSemVer2(String text) {
        assertThat(Versions.parseStrict(text)).isNotNull();
        assertThat(Versions.parseStrict(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.2.3", "V1.2.3", " 1.2.3", "1.2.3 ", "1.2", "2", "01.2.3", "1.2.3.4", "4.x", "1.2.3-",
            "1.2.3+", "1.2.3-01", "1.2.3-a..b", "1.2.3+a_b", "1.2.3-é", ""})
    void strictRejectsEverythingElse(String text) {
        assertThat(Versions.parseStrict(text)).isNull();
    }

    @Test
    void lenientTakesAPrefixAndMissingNumbers() {
        assertThat(Versions.parseLenient("v2").toString()).isEqualTo("2.0.0");
        assertThat(Versions.parseLenient("V2.3").toString()).isEqualTo("2.3.0");
        assertThat(Versions.parseLenient("2.3").toString()).isEqualTo("2.3.0");
        assertThat(Versions.parseLenient("v2.3.4").toString()).isEqualTo("2.3.4");
    }

    @Test
    void lenientKeepsPrereleaseAndBuildOfAShortVersion() {
        assertThat(Versions.parseLenient("2.3-beta.1").toString()).isEqualTo("2.3.0-beta.1");
        assertThat(Versions.parseLenient("2+build.5").toString()).isEqualTo("2.0.0+build.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v", "x", "1.2.3.4", "1..2", "-1", "+1", "2.x", "v01.2", "1.2.3-", "1.2.3-01"})
    void lenientStillRejectsNonVersions(String text) {
        assertThat(Versions.parseLenient(text)).isNull();
    }

    @Test
    void precedenceIsSemVer2sExample() {
        // https://semver.org/#spec-item-11, in ascending order.
        List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "10.0.0");
        for (int i = 0; i < ascending.size(); i++) {
            for (int j = 0; j < ascending.size(); j++) {
                int c = Versions.parseStrict(ascending.get(i)).compareTo(Versions.parseStrict(ascending.get(j)));
                assertThat(Integer.signum(c)).as("%s vs %s", ascending.get(i), ascending.get(j))
                        .isEqualTo(Integer.compare(i, j));
            }
        }
    }

    @Test
    void numbersBeyondSixtyFourBitsCompareExactly() {
        // semver4j threw NumberFormatException comparing these (issue 9).
        Versions.Version nightly = Versions.parseStrict("2.0.0-nightly.20250101123456789012345");
        assertThat(nightly).isNotNull();
        assertThat(nightly.compareTo(Versions.parseStrict("2.0.0-nightly.1"))).isPositive();
        assertThat(nightly.compareTo(Versions.parseStrict("2.0.0-nightly.20250101123456789012346"))).isNegative();
        assertThat(nightly.compareTo(Versions.parseStrict("2.0.0-nightly.20250101123456789012345+b"))).isZero();
        assertThat(Versions.parseStrict("99999999999999999999.0.0").compareTo(Versions.parseStrict("9.0.0")))
                .isPositive();
        assertThat(Versions.parseLenient("v2147483648").toString()).isEqualTo("2147483648.0.0");
    }

    @Test
    void buildMetadataDoesNotCount() {
        assertThat(Versions.parseStrict("1.2.3+b").compareTo(Versions.parseStrict("1.2.3+a"))).isZero();
    }

    @Test
    void overlongTextIsNotAVersion() {
        String longVersion = "1.0.0-" + "a".repeat(Versions.MAX_LENGTH);
        assertThat(Versions.parseStrict(longVersion)).isNull();
        assertThat(Versions.parseLenient(longVersion)).isNull();
    }

    /** Precedence agrees with a reference written from the SemVer text with BigInteger, and never throws. */
    @Property(tries = 2000)
    void precedenceMatchesAReference(@ForAll("versions") String a, @ForAll("versions") String b) {
        Versions.Version va = Versions.parseStrict(a);
        Versions.Version vb = Versions.parseStrict(b);
        assertThat(va).as(a).isNotNull();
        assertThat(vb).as(b).isNotNull();
        assertThat(Integer.signum(va.compareTo(vb))).as("%s vs %s", a, b).isEqualTo(reference(a, b));
        assertThat(Integer.signum(vb.compareTo(va))).isEqualTo(-reference(a, b));
    }

    /** Any text at all: parsing returns a version or null, never throws. */
    @Property(tries = 2000)
    void parsingAnyTextNeverThrows(@ForAll("texts") String text) {
        Versions.Version strict = Versions.parseStrict(text);
        Versions.Version lenient = Versions.parseLenient(text);
        if (strict != null) {
            assertThat(lenient).isNotNull();
            assertThat(strict.compareTo(lenient)).isZero();
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789.-+vVab ").ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(40), versions());
    }

    @Provide
    Arbitrary<String> versions() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.integers().between(0, 12).map(String::valueOf),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(30)).map(BigInteger::toString));
        Arbitrary<String> identifier = Arbitraries.oneOf(number,
                Arbitraries.strings().withChars("abAB-09").ofMinLength(1).ofMaxLength(4)
                        .filter(s -> !(s.length() > 1 && s.charAt(0) == '0' && Versions.allDigits(s))));
        Arbitrary<String> pre = identifier.list().ofMaxSize(4).map(l -> l.isEmpty() ? "" : "-" + String.join(".", l));
        Arbitrary<String> build = Arbitraries.strings().withChars("abc019").ofMinLength(1).ofMaxLength(3).list()
                .ofMaxSize(2).map(l -> l.isEmpty() ? "" : "+" + String.join(".", l));
        return net.jqwik.api.Combinators.combine(number, number, number, pre, build)
                .as((x, y, z, p, bm) -> x + "." + y + "." + z + p + bm);
    }

    private static int reference(String a, String b) {
        String[] pa = a.split("\\+")[0].split("-", 2);
        String[] pb = b.split("\\+")[0].split("-", 2);
        String[] ca = pa[0].split("\\.");
        String[] cb = pb[0].split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = new BigInteger(ca[i]).compareTo(new BigInteger(cb[i]));
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        if (pa.length == 1 || pb.length == 1) {
            return Integer.compare(pa.length == 1 ? 1 : 0, pb.length == 1 ? 1 : 0);
        }
        String[] ia = pa[1].split("\\.");
        String[] ib = pb[1].split("\\.");
        for (int i = 0; i < Math.min(ia.length, ib.length); i++) {
            boolean na = ia[i].matches("[0-9]+");
            boolean nb = ib[i].matches("[0-9]+");
            int c = na && nb ? new BigInteger(ia[i]).compareTo(new BigInteger(ib[i]))
                    : na ? -1 : nb ? 1 : ia[i].compareTo(ib[i]);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.compare(ia.length, ib.length);
    }
}
