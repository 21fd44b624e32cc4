package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.EvaluationWindow;
import io.guidon.controlplane.domain.FlagSort;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.FlagOverviewRepository;
import io.guidon.controlplane.store.Sql;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The flag list of the admin UI: a page of a tenant's flags with a column per environment (on or off, what it
 * serves, how many rules and targets), tags, the latest change and the evaluations of the last 24 hours; searched,
 * filtered by tag, sorted (ties by key) and paged by number, with the total. Read-only; sequential code for a
 * virtual thread; throws {@link DomainException}.
 *
 * <p>Paging is by page number (LIMIT/OFFSET) rather than by cursor: the page shows "page N of M" and jumps to any
 * page, and every sort needs the whole match set ordered anyway (by latest change or by evaluations, which only
 * the flags' neighbours know), so an offset into 5,000 rows costs nothing a cursor would save. Cursors would also
 * have to carry a sort key that moves (evaluations change every few seconds).
 */
public final class FlagOverviewService {

    /** Flags per page when the query names no size. */
    public static final int DEFAULT_PAGE_SIZE = 50;
    /** The largest page size a query may ask for. */
    public static final int MAX_PAGE_SIZE = 200;
    /** The longest search text, in characters (UTF-16 units). */
    public static final int MAX_QUERY_LENGTH = 200;

    private final FlagOverviewRepository repository;
    private final Clock clock;

    /** @param clock tells the time that "the last 24 hours" end at */
    public FlagOverviewService(FlagOverviewRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * The page of the tenant's flags that {@code query} asks for.
     *
     * @throws DomainException INVALID_PARAMETER naming each field of {@code query} that is not valid (an unknown sort
     *     or direction, a page that is not a whole number from 0, a page size that is not one from 1 to
     *     {@link #MAX_PAGE_SIZE}, a search text longer than {@link #MAX_QUERY_LENGTH} or with a control character),
     *     before anything is read
     */
    public Overview list(long tenantId, OverviewQuery query) {
        Overview.Criteria criteria = criteria(query);
        FlagOverviewRepository.Listing s = await(repository.read(tenantId,
                new FlagOverviewRepository.Criteria(criteria.tag(), Sql.contains(criteria.q()), criteria.sort(),
                        criteria.descending(), criteria.page(), criteria.pageSize()),
                EvaluationWindow.endingAt(clock.instant())));
        List<Overview.EnvironmentColumn> columns = new ArrayList<>(s.environments().size());
        for (FlagOverviewRepository.EnvironmentRow e : s.environments()) {
            columns.add(new Overview.EnvironmentColumn(e.key(), e.name()));
        }
        Map<Long, Map<Long, FlagOverviewRepository.ConfigRow>> configs = new HashMap<>();
        for (FlagOverviewRepository.ConfigRow c : s.configs()) {
            configs.computeIfAbsent(c.flagId(), k -> new HashMap<>()).put(c.environmentId(), c);
        }
        List<Overview.FlagRow> rows = new ArrayList<>(s.flags().size());
        for (FlagOverviewRepository.FlagRow f : s.flags()) {
            Map<Long, FlagOverviewRepository.ConfigRow> byEnv = configs.getOrDefault(f.id(), Map.of());
            List<Overview.EnvironmentState> states = new ArrayList<>(s.environments().size());
            for (FlagOverviewRepository.EnvironmentRow e : s.environments()) {
                states.add(state(e.key(), byEnv.get(e.id())));
            }
            rows.add(new Overview.FlagRow(f.key(), f.name() == null ? "" : f.name(), f.description(), f.tags(), f.updatedAt(), f.evaluations(),
                    states));
        }
        int pageCount = (int) Math.max(1, (s.total() + criteria.pageSize() - 1) / criteria.pageSize());
        return new Overview(new Overview.Criteria(criteria.q(), criteria.tag(), criteria.sort(),
                criteria.descending(), s.page(), criteria.pageSize()), columns, rows, s.total(), pageCount);
    }

    /** Every distinct tag of the tenant's flags, by code point (for the tag filter). */
    public List<String> tags(long tenantId) {
        return await(repository.tags(tenantId));
    }

    private static Overview.EnvironmentState state(String envKey, FlagOverviewRepository.ConfigRow c) {
        if (c == null) {
            return new Overview.EnvironmentState(envKey, false, Served.of(false, null, null), 0, 0, false);
        }
        return new Overview.EnvironmentState(envKey, c.enabled(),
                Served.of(c.enabled(), c.offVariant(), StoredJson.parse(c.fallthrough())), c.rules(), c.targets(),
                true);
    }

    /**
     * The criteria {@code query} gives, defaults filled in (the page is not clamped yet).
     *
     * @throws DomainException INVALID_PARAMETER with one violation per bad field
     */
    static Overview.Criteria criteria(OverviewQuery query) {
        List<Violation> violations = new ArrayList<>();
        String q = blankToNull(query.q() == null ? null : query.q().strip());
        if (q != null && q.length() > MAX_QUERY_LENGTH) {
            violations.add(Violation.of("q", "must be at most " + MAX_QUERY_LENGTH + " characters, not "
                    + q.length()));
        } else if (q != null && q.chars().anyMatch(Character::isISOControl)) {
            // The repository joins the searched texts with a control character (FlagOverviewRepository.SEPARATOR).
            violations.add(Violation.of("q", "must not contain control characters (a line break, a tab...)"));
        }
        String tag = query.tag() == null || query.tag().isEmpty() ? null : query.tag();
        FlagSort sort = FlagSort.KEY;
        String sortText = blankToNull(query.sort());
        if (sortText != null) {
            sort = FlagSort.ofParam(sortText);
            if (sort == null) {
                violations.add(Violation.of("sort", "must be one of key, updated, evaluations, not '"
                        + sortText + "'"));
                sort = FlagSort.KEY;
            }
        }
        boolean descending = sort.descendingByDefault();
        String direction = blankToNull(query.direction());
        if ("asc".equals(direction)) {
            descending = false;
        } else if ("desc".equals(direction)) {
            descending = true;
        } else if (direction != null) {
            violations.add(Violation.of("direction", "must be asc or desc, not '" + direction + "'"));
        }
        int page = whole(query.page(), "page", 0, Integer.MAX_VALUE, 0, "must be a whole number from 0",
                violations);
        int pageSize = whole(query.pageSize(), "pageSize", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE,
                "must be a whole number from 1 to " + MAX_PAGE_SIZE, violations);
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return new Overview.Criteria(q, tag, sort, descending, page, pageSize);
    }

    private static int whole(String text, String name, int min, int max, int fallback, String rule,
            List<Violation> violations) {
        String t = blankToNull(text);
        if (t == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(t.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Named below, as an out-of-range number is.
        }
        violations.add(Violation.of(name, rule + ", not '" + t + "'"));
        return fallback;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
