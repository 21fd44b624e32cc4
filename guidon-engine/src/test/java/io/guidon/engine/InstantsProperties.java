package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The allocation-free reader of common instant forms agrees with java.time's parser on every one of them. */
class InstantsProperties {

    @Property(tries = 2000)
    void commonFormsReadTheSameAsJavaTime(@ForAll @LongRange(min = -62_135_596_800L + 86_400, max = 253_402_300_799L - 86_400) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999) int millis,
            @ForAll @IntRange(min = -18 * 4, max = 18 * 4) int quarterHours) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(quarterHours * 15 * 60);
        OffsetDateTime t = Instant.ofEpochSecond(epochSecond, millis * 1_000_000L).atOffset(offset);
        String[] forms = {
            t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            t.toLocalDateTime().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
            t.toLocalDate().toString(),
            t.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString(),
        };
        for (String form : forms) {
            assertThat(Instants.parseCommon(form)).as(form).isIn(Instants.INVALID, Instants.parseFull(form));
            assertThat(Instants.parse(form)).as(form).isEqualTo(Instants.parseFull(form));
        }
        assertThat(Instants.parseCommon(forms[0])).as(forms[0]).isEqualTo(t.toInstant().toEpochMilli());
    }
}
