package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.domain.Page;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit log's listing: the query as given becomes the log's filter, and every parameter that is not valid is
 * named at once (INVALID_PARAMETER), before the log is read. A fake log records the filter it is asked for.
 */
class AuditServiceTest {

    /** Records the last filter; answers an empty page. */
    static final class FakeLog implements AuditLog {
        Filter asked;

        @Override
        public Future<Void> record(SqlConnection tx, Actor actor, Entry entry) {
            throw new UnsupportedOperationException("the listing never writes");
        }

        @Override
        public Future<Page<JsonNode>> list(long tenantId, Filter filter, int limit) {
            asked = filter;
            return Future.succeededFuture(new Page<>(List.of(), 0, null));
        }
    }

    private final FakeLog log = new FakeLog();
    private final AuditService audit = new AuditService(log);

    @Test
    void aValidQueryBecomesTheLogsFilter() {
        Page<JsonNode> page = audit.list(7, new AuditService.Query("flag", "checkout", "production", "flag.enable",
                "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "42"), 10);

        assertThat(page.items()).isEmpty();
        assertThat(log.asked).isEqualTo(new AuditLog.Filter("flag", "checkout", "production", "flag.enable",
                OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC), 42L));
    }

    @Test
    void theActorBecomesTheLogsFilterOnTheKeyName() {
        audit.list(7, new AuditService.Query(null, null, null, null, null, null, null, "release bot"), 10);
        assertThat(log.asked).isEqualTo(new AuditLog.Filter(null, null, null, null, null, null, null,
                "release bot"));
    }

    @Test
    void anEmptyQueryFiltersNothing() {
        audit.list(7, new AuditService.Query(null, null, null, null, null, null, null), 10);
        assertThat(log.asked).isEqualTo(new AuditLog.Filter(null, null, null, null, null, null, null));
    }

    @Test
    void everyInvalidParameterIsNamedAndTheLogIsNotRead() {
        assertThatThrownBy(() -> audit.list(7, new AuditService.Query("user", null, null, null, "yesterday",
                "2026-02-30", "abc"), 10))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_PARAMETER);
                    assertThat(e.violations()).extracting(v -> v.where().text())
                            .containsExactly("resourceType", "from", "to", "cursor");
                    assertThat(e.violations().get(1).message()).contains("RFC 3339 instant").contains("'yesterday'");
                    assertThat(e.violations().get(2).message()).contains("'2026-02-30'");
                });
        assertThat(log.asked).isNull();
    }

    @Test
    void aStaleRevisionIsRefusedAndAMissingConditionIsNone() {
        DocumentWriter.checkRevision(null, 3, "flag 'x'");
        DocumentWriter.checkRevision(3, 3, "flag 'x'");
        assertThatThrownBy(() -> DocumentWriter.checkRevision(2, 3, "flag 'x'"))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.STALE);
                    assertThat(e.detail()).startsWith("flag 'x' is at revision 3, not 2");
                });
    }
}
