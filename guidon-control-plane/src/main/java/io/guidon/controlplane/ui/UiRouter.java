package io.guidon.controlplane.ui;

import io.guidon.controlplane.TrustedProxies;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.api.ApiException;
import io.guidon.controlplane.api.Problems;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.Session;
import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.service.SessionService;
import io.guidon.controlplane.ui.view.ErrorView;
import io.guidon.controlplane.ui.view.Shell;
import io.guidon.controlplane.ui.view.SignInView;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin UI's HTTP layer (ADR 0112), mounted at {@code /ui} on the API's router: security headers, static
 * assets, sign-in and sign-out, and the pages, each run through one path: find the session (its cookie), check the
 * CSRF token of a state-changing request and the role the page needs, run the handler on a virtual thread with the
 * same services as the admin API, render what it answers or the error it throws.
 *
 * <p>Security model: a server-side session (cookie {@value #SESSION_COOKIE}: HttpOnly, SameSite=Strict, Path=/ui,
 * Secure when the request came over TLS); a synchronizer CSRF token per session, required on every POST, plus a
 * same-origin check of {@code Origin}/{@code Sec-Fetch-Site}; a Content-Security-Policy without inline script or
 * style, and framing denied; every value escaped by the templates.
 */
public final class UiRouter {

    private static final Logger LOG = LoggerFactory.getLogger(UiRouter.class);
    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "guidon_session";
    /** The sign-in form's double-submit cookie (there is no session yet to hold its token). */
    static final String SIGN_IN_COOKIE = "guidon_sign_in";
    /** The header htmx sends the CSRF token in (from {@code <body hx-headers>}). */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The form field plain forms send the CSRF token in. */
    public static final String CSRF_FIELD = "csrf";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final SessionService sessions;
    private final Authenticator authenticator;
    private final AdminThreads threads;
    private final Templates templates;
    private final Assets assets;
    private final TrustedProxies proxies;
    private final long maxBodySize;
    private final long timeoutMillis;
    private Router router;

    /**
     * @param maxBodySize the largest form accepted, in bytes ({@code http.max-body-size})
     * @param timeoutMillis how long a page may take ({@code http.request-timeout})
     */
    public UiRouter(SessionService sessions, Authenticator authenticator, AdminThreads threads, Templates templates,
            Assets assets, TrustedProxies proxies, long maxBodySize, long timeoutMillis) {
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.threads = threads;
        this.templates = templates;
        this.assets = assets;
        this.proxies = proxies;
        this.maxBodySize = maxBodySize;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Marks a form's one-time token used (shared by every replica); true on its first use. For forms whose second
     * post must do nothing. Call on the page's virtual thread.
     */
    public boolean firstUseOfForm(String token) {
        return sessions.firstUseOfForm(token);
    }

    /** Forgets a form token's use: its action failed, and the same form may be sent again. */
    public void releaseForm(String token) {
        sessions.releaseForm(token);
    }

    /** The templates, for pages to render with. */
    public Templates templates() {
        return templates;
    }

    /**
     * Forgets the key with {@code prefix} in authentication's cache at once, after a page revoked it (as the API's
     * revocation does): its next API request on this replica is refused.
     */
    public void evictKey(String prefix) {
        authenticator.evict(prefix);
    }

    /** The frame of a page of {@code request}'s session. */
    public Shell shell(UiRequest request, String title, String section) {
        return new Shell(title, section, request.session(), assets);
    }

    /** The virtual threads the pages run on, for a download's streamer ({@link UiResult#download}). */
    public AdminThreads threads() {
        return threads;
    }

    /** Renders {@code template} with {@code model} as a 200 page or fragment. */
    public UiResult render(String template, Object model) {
        return UiResult.html(templates.render(template, model));
    }

    /** Renders {@code template} with {@code model} with {@code status}. */
    public UiResult render(int status, String template, Object model) {
        return UiResult.html(status, templates.render(template, model));
    }

    /**
     * Mounts the UI on {@code router}: the root redirects to {@code /ui/}; then the infrastructure, the pages that
     * {@code pages} adds (with {@link #get} and {@link #post}), and a not-found page for any other path under /ui.
     */
    public void mount(Router router, Consumer<UiRouter> pages) {
        this.router = router;
        router.get("/").handler(ctx -> redirect(ctx, "/ui/"));
        router.routeWithRegex("/ui").handler(ctx -> redirect(ctx, "/ui/"));
        router.route("/ui/*").handler(this::securityHeaders);
        router.get("/ui/").handler(ctx -> redirect(ctx, "/ui/flags"));
        router.get("/ui/assets/*").handler(StaticHandler.create("ui/assets").setCachingEnabled(true)
                .setMaxAgeSeconds(300).setIncludeHidden(false).setDirectoryListing(false));
        router.get("/ui/vendor/*").handler(StaticHandler.create(Assets.WEBJARS).setCachingEnabled(true)
                .setMaxAgeSeconds(86_400).setDirectoryListing(false));
        router.post("/ui/*").handler(BodyHandler.create(false).setBodyLimit(maxBodySize));
        router.get("/ui/sign-in").handler(this::signInForm);
        router.post("/ui/sign-in").handler(this::signIn);
        router.post("/ui/sign-out").handler(this::signOut);
        pages.accept(this);
        router.route("/ui/*").handler(ctx -> {
            if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.POST) {
                ctx.response().putHeader("Allow", "GET, POST");
                write(ctx, errorPage(null, 405, "Method not allowed", ctx.request().method()
                        + " is not used by the UI: pages are read with GET and changed with POST"));
                return;
            }
            write(ctx, errorPage(null, 404, "Not found", "There is no page at " + ctx.request().path() + "."));
        });
    }

    /** A page read with GET that needs {@code role}. */
    public void get(String path, Role role, UiHandler handler) {
        router.get(path).handler(ctx -> page(ctx, role, handler));
    }

    /** A change made with POST that needs {@code role} (and, like every POST, the session's CSRF token). */
    public void post(String path, Role role, UiHandler handler) {
        router.post(path).handler(ctx -> page(ctx, role, handler));
    }

    private void page(RoutingContext ctx, Role role, UiHandler handler) {
        UiRequest bare = request(ctx, null);
        String token = cookie(ctx, SESSION_COOKIE);
        boolean unsafe = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
        String crossSite = unsafe ? crossSite(ctx) : null;
        String presented = ctx.request().getHeader(CSRF_HEADER) != null ? ctx.request().getHeader(CSRF_HEADER)
                : bare.form(CSRF_FIELD);
        String unstorable = unstorable(bare);
        Future<UiResult> result = threads.run(() -> {
            Session session = sessions.find(token).orElse(null);
            if (session == null) {
                return signInFirst(bare);
            }
            UiRequest request = withSession(bare, session);
            if (unstorable != null) {
                return errorPage(request, 400, "Bad request", unstorable);
            }
            if (crossSite != null) {
                return errorPage(request, 403, "Forbidden", crossSite);
            }
            if (unsafe && !SessionService.csrfMatches(session, presented)) {
                return errorPage(request, 403, "Forbidden", "This form's security token is missing or does not"
                        + " match your session (a form from another site, or from before you signed in again):"
                        + " reload the page and try again. Nothing was changed.");
            }
            if (!session.role().satisfies(role)) {
                return errorPage(request, 403, "Forbidden", "Signed in as " + session.role().withArticle()
                        + ", you cannot " + (unsafe ? "make this change" : "open this page") + ": it needs the "
                        + role.jsonName() + " role. Nothing was changed.");
            }
            try {
                return handler.handle(request);
            } catch (DomainException e) {
                return domainError(request, e);
            } catch (RuntimeException e) {
                DependencyUnavailable down = TransientFailure.unavailable("the database", e);
                if (down != null) {
                    return errorPage(request, 503, "Service unavailable", down.getMessage()
                            + ". Nothing was changed unless the page says so; try again in a moment.");
                }
                throw e;
            }
        });
        result.timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(r -> {
            if (r.succeeded()) {
                write(ctx, r.result());
            } else {
                LOG.error("UI request failed: {} {} (request {})", ctx.request().method(), ctx.request().path(),
                        ctx.<String>get("requestId"), r.cause());
                write(ctx, errorPage(null, 500, "Something went wrong", "The request failed unexpectedly; its id "
                        + ctx.<String>get("requestId") + " identifies it in the server's log. A change may or may not"
                        + " have been made: reload the page to see."));
            }
        });
    }

    /**
     * Why a path or query parameter cannot be looked up (null: it can): one holding U+0000, which no PostgreSQL text
     * can hold. Form fields are the pages' to judge, next to their fields.
     */
    static String unstorable(UiRequest r) {
        for (var e : r.pathParams().entrySet()) {
            if (e.getValue() != null && e.getValue().indexOf('\u0000') >= 0) {
                return "The address holds a NUL character (U+0000, %00) in its " + e.getKey() + " part: no flag,"
                        + " segment or environment has one. Nothing was changed.";
            }
        }
        for (var e : r.query().entrySet()) {
            for (String v : e.getValue()) {
                if (v.indexOf('\u0000') >= 0) {
                    return "The query parameter " + e.getKey() + " holds a NUL character (U+0000, %00). Nothing was"
                            + " changed.";
                }
            }
        }
        return null;
    }

    private UiResult signInFirst(UiRequest request) {
        String next = "GET".equals(request.method()) && !request.htmx() ? request.path() : "/ui/flags";
        String location = "/ui/sign-in?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
        if (request.htmx()) {
            // htmx follows HX-Redirect with a full page load; a 303 would be followed inside the fragment.
            return UiResult.html(io.vertx.core.buffer.Buffer.buffer()).header("HX-Redirect", location);
        }
        return UiResult.redirect(location);
    }

    UiResult domainError(UiRequest request, DomainException e) {
        ApiException problem = Problems.of(e);
        StringBuilder detail = new StringBuilder(problem.detail() == null ? "" : problem.detail());
        for (var v : e.violations()) {
            // The detail of an invalid parameter already names its first violation: never say it twice.
            if (detail.indexOf(v.message()) < 0) {
                detail.append(detail.isEmpty() ? "" : " ").append(v.where().text()).append(": ").append(v.message())
                        .append('.');
            }
        }
        return errorPage(request, problem.status(), problem.title(), detail.toString());
    }

    /** An error page (or, for htmx, the same content as a fragment to swap in). */
    public UiResult errorPage(UiRequest request, int status, String title, String detail) {
        Shell shell = new Shell(title, "", request == null ? null : request.session(), assets);
        boolean fragment = request != null && request.htmx();
        return render(status, fragment ? "error-fragment.jte" : "error.jte", new ErrorView(shell, status, title,
                detail));
    }

    // ---- sign-in and sign-out

    private void signInForm(RoutingContext ctx) {
        String token = sessions.newToken();
        ctx.response().addCookie(cookie(ctx, SIGN_IN_COOKIE, token, "/ui/sign-in"));
        write(ctx, render("sign-in.jte", new SignInView(new Shell("Sign in", "", null, assets), token,
                safeNext(ctx.request().getParam("next")), null)));
    }

    private void signIn(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String key = form.get("key") == null ? "" : form.get("key").trim();
        String next = safeNext(form.get("next"));
        String expected = cookie(ctx, SIGN_IN_COOKIE);
        String presented = form.get(CSRF_FIELD);
        String crossSite = crossSite(ctx);
        if (crossSite != null || expected == null || presented == null || !java.security.MessageDigest.isEqual(
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                presented.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            signInAgain(ctx, 403, crossSite != null ? crossSite
                    : "The sign-in form expired or came from another site: sign in from this page.", next);
            return;
        }
        if (key.isEmpty()) {
            signInAgain(ctx, 422, "Enter an API key of your tenant (admin, editor or viewer).", next);
            return;
        }
        authenticator.authenticate("Bearer " + key)
                .compose(principal -> threads.run(() -> sessions.start(principal)))
                .onComplete(r -> {
                    if (r.succeeded()) {
                        ctx.response().addCookie(cookie(ctx, SESSION_COOKIE, r.result().token(), "/ui"));
                        ctx.response().addCookie(expired(ctx, SIGN_IN_COOKIE, "/ui/sign-in"));
                        LOG.info("UI sign-in: tenant {}, key {} ({})", r.result().session().tenantKey(),
                                r.result().session().actorName(), r.result().session().role().jsonName());
                        redirect(ctx, next);
                    } else if (r.cause() instanceof DomainException e
                            && (e.kind() == DomainException.Kind.UNAUTHENTICATED
                            || e.kind() == DomainException.Kind.FORBIDDEN)) {
                        signInAgain(ctx, e.kind() == DomainException.Kind.FORBIDDEN ? 403 : 401,
                                e.kind() == DomainException.Kind.FORBIDDEN ? e.detail()
                                        : "That key is not valid: it is unknown, mistyped or revoked.", next);
                    } else {
                        LOG.error("UI sign-in failed", r.cause());
                        signInAgain(ctx, 503, "Signing in failed for a reason of the server's; try again in a"
                                + " moment.", next);
                    }
                });
    }

    private void signInAgain(RoutingContext ctx, int status, String error, String next) {
        String token = sessions.newToken();
        ctx.response().addCookie(cookie(ctx, SIGN_IN_COOKIE, token, "/ui/sign-in"));
        write(ctx, render(status, "sign-in.jte", new SignInView(new Shell("Sign in", "", null, assets), token, next,
                error)));
    }

    private void signOut(RoutingContext ctx) {
        String token = cookie(ctx, SESSION_COOKIE);
        String presented = ctx.request().getHeader(CSRF_HEADER) != null ? ctx.request().getHeader(CSRF_HEADER)
                : ctx.request().getFormAttribute(CSRF_FIELD);
        String crossSite = crossSite(ctx);
        if (crossSite != null) {
            write(ctx, errorPage(null, 403, "Forbidden", crossSite));
            return;
        }
        threads.run(() -> {
            Session s = sessions.find(token).orElse(null);
            // A forged sign-out is refused like any forged change (it would only be a nuisance, but still).
            if (s != null && SessionService.csrfMatches(s, presented)) {
                sessions.end(token);
                return true;
            }
            return s == null;
        }).onComplete(r -> {
            if (r.succeeded() && r.result()) {
                ctx.response().addCookie(expired(ctx, SESSION_COOKIE, "/ui"));
                redirect(ctx, "/ui/sign-in");
            } else {
                write(ctx, errorPage(null, 403, "Forbidden", "Sign out from the button on a page of this site."));
            }
        });
    }

    /** {@code next} when it is a path of the UI (never another site, never a scheme-relative URL), else the flags. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/ui/") || next.startsWith("//") || next.contains("\\")
                || next.contains("://") || next.length() > 500 || next.chars().anyMatch(c -> c < 0x21)) {
            return "/ui/flags";
        }
        return next;
    }

    // ---- plumbing

    private void securityHeaders(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Security-Policy", CSP);
        res.putHeader("X-Frame-Options", "DENY");
        res.putHeader("X-Content-Type-Options", "nosniff");
        res.putHeader("Referrer-Policy", "same-origin");
        res.putHeader("Cross-Origin-Opener-Policy", "same-origin");
        res.putHeader("Cross-Origin-Resource-Policy", "same-origin");
        res.putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (ctx.request().isSSL()) {
            res.putHeader("Strict-Transport-Security", "max-age=31536000");
        }
        ctx.next();
    }

    /**
     * Why a state-changing request is refused as cross-site (null: it is not): the browser says it came from
     * another site ({@code Sec-Fetch-Site}), or its {@code Origin} is not this server's. Checked besides the CSRF
     * token, which stays the rule for browsers that send neither header.
     */
    private String crossSite(RoutingContext ctx) {
        String site = ctx.request().getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "This change came from another site (Sec-Fetch-Site: " + site + ") and was refused. Nothing was"
                    + " changed.";
        }
        String origin = ctx.request().getHeader("Origin");
        if ("null".equals(origin)) {
            // An opaque origin: a sandboxed frame, a data: or file: page. Never one of our pages.
            return "This change came from a page without an origin (Origin: null) and was refused. Nothing was"
                    + " changed.";
        }
        if (origin != null) {
            String host = ctx.request().getHeader("Host");
            try {
                URI o = URI.create(origin);
                String originHost = o.getHost() + (o.getPort() == -1 ? "" : ":" + o.getPort());
                if (host == null || !host.equalsIgnoreCase(originHost)) {
                    return "This change came from another origin (" + origin + ") and was refused. Nothing was"
                            + " changed.";
                }
            } catch (IllegalArgumentException e) {
                return "The request's Origin header is not valid; nothing was changed.";
            }
        }
        return null;
    }

    private UiRequest request(RoutingContext ctx, Session session) {
        return new UiRequest(ctx.request().method().name(), ctx.request().path(), Map.copyOf(ctx.pathParams()),
                copy(ctx.queryParams()), ctx.request().method() == HttpMethod.POST
                ? copy(ctx.request().formAttributes()) : Map.of(),
                "true".equals(ctx.request().getHeader("HX-Request")), ctx.get("requestId"), session);
    }

    private static UiRequest withSession(UiRequest r, Session session) {
        return new UiRequest(r.method(), r.path(), r.pathParams(), r.query(), r.form(), r.htmx(), r.requestId(),
                session);
    }

    private static Map<String, List<String>> copy(MultiMap params) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : params.names()) {
            out.put(name, List.copyOf(new ArrayList<>(params.getAll(name))));
        }
        return out;
    }

    private static String cookie(RoutingContext ctx, String name) {
        Cookie c = ctx.request().getCookie(name);
        return c == null ? null : c.getValue();
    }

    private Cookie cookie(RoutingContext ctx, String name, String value, String path) {
        return Cookie.cookie(name, value).setPath(path).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(secure(ctx));
    }

    private Cookie expired(RoutingContext ctx, String name, String path) {
        return cookie(ctx, name, "", path).setMaxAge(0);
    }

    /** Whether the browser reached us over TLS: directly, or through a trusted proxy that says so. */
    private boolean secure(RoutingContext ctx) {
        if (ctx.request().isSSL()) {
            return true;
        }
        String proto = ctx.request().getHeader("X-Forwarded-Proto");
        String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        return "https".equalsIgnoreCase(proto) && proxies.trusts(peer);
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }

    private void write(RoutingContext ctx, UiResult r) {
        HttpServerResponse res = ctx.response();
        if (res.ended()) {
            return;
        }
        r.headers().forEach(res::putHeader);
        res.putHeader("Cache-Control", "no-store");
        res.putHeader("Vary", "HX-Request");
        if (r.redirect() != null) {
            if ("true".equals(ctx.request().getHeader("HX-Request"))) {
                res.setStatusCode(200).putHeader("HX-Location", r.redirect()).end();
            } else {
                res.setStatusCode(303).putHeader("Location", r.redirect()).end();
            }
            return;
        }
        if (r.stream() != null) {
            res.setStatusCode(r.status()).setChunked(true);
            r.stream().write(res).onComplete(done -> {
                if (done.failed()) {
                    // The status and some bytes are sent: a reset makes the browser report a failed download, never
                    // save a truncated file as complete.
                    LOG.warn("a download failed after its headers; resetting the connection", done.cause());
                    res.reset();
                } else if (!res.ended()) {
                    res.end();
                }
            });
            return;
        }
        res.setStatusCode(r.status()).putHeader("Content-Type", "text/html; charset=utf-8").end(r.html());
    }
}
