package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium}, driven through its {@code chromedriver} by Selenium) for the
 * UI's browser tests: nothing is downloaded; {@code GUIDON_CHROMIUM} and {@code GUIDON_CHROMEDRIVER} point at
 * other binaries. Screenshots go to {@code target/ui-screenshots/}; {@link #assertAccessible()} runs axe-core in the
 * page and fails on serious or critical violations.
 *
 * <p>One Chromium (and its chromedriver) serves every test class of a test JVM, one class after another: starting
 * one costs a second or more of the two cores, and a test JVM runs a dozen browser classes. {@link #close()} leaves it
 * as a new one would be (no cookies, a blank page, no open dialog, no unread console messages); it quits when the
 * JVM exits.
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final String AXE = "META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js";

    /** This JVM's Chromium (null until the first {@link #start}, or after it died). */
    private static ChromeDriver shared;

    private final ChromeDriver driver;
    private final String base;
    /** The key {@link #as} last signed in with (null: none). */
    private String signedInWith;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /**
     * The browser for the server at {@code 127.0.0.1:port}: this JVM's Chromium, started on first use (its own
     * empty profile); one test class at a time uses it and {@link #close() closes} it when done.
     */
    public static synchronized Browser start(int port) throws IOException {
        if (shared != null && !alive(shared)) {
            quit(shared);
            shared = null;
        }
        if (shared == null) {
            shared = launch();
            ChromeDriver started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> quit(started), "guidon-chromium-quit"));
        }
        return new Browser(shared, "http://127.0.0.1:" + port);
    }

    private static boolean alive(ChromeDriver driver) {
        try {
            driver.getWindowHandle();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static ChromeDriver launch() throws IOException {
        Path profile = Files.createTempDirectory("guidon-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(env("GUIDON_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1400,1000", "--lang=en-US",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(env("GUIDON_CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        PROFILES.put(driver, profile);
        return driver;
    }

    /** The profile directory of each Chromium started, removed when it quits. */
    private static final Map<ChromeDriver, Path> PROFILES = new java.util.concurrent.ConcurrentHashMap<>();

    private static void quit(ChromeDriver driver) {
        try {
            driver.quit();
        } catch (RuntimeException ignored) {
            // a browser that is already gone has nothing left to stop
        } finally {
            Path profile = PROFILES.remove(driver);
            if (profile != null) {
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary profile left behind is harmless
                }
            }
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    public String base() {
        return base;
    }

    /** Opens {@code path} (under the server) and waits for the page to load. */
    public Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    /** The current path (and query). */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    /** Signs in with {@code key} through the sign-in form and waits for the flags page. */
    public Browser signIn(String key) {
        open("/ui/sign-in");
        driver.findElement(By.id("key")).sendKeys(key);
        driver.findElement(By.cssSelector("form[action='/ui/sign-in'] button[type=submit]")).click();
        waitFor(ExpectedConditions.urlContains("/ui/flags"));
        return this;
    }

    /**
     * Signs in with {@code key} unless {@link #as} already did (signing out of another key first): for a test class
     * whose tests share one browser and switch between roles.
     */
    public Browser as(String key) {
        if (!key.equals(signedInWith)) {
            if (signedInWith != null) {
                signOut();
            }
            signIn(key);
            signedInWith = key;
        }
        return this;
    }

    /** Signs out with the header's button. */
    public Browser signOut() {
        driver.findElement(By.cssSelector("form[action='/ui/sign-out'] button")).click();
        waitFor(ExpectedConditions.urlContains("/ui/sign-in"));
        return this;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * Waits up to 10 s for {@code condition}, checking it every 50 ms (Selenium's default of 500 ms adds up to half a
     * second to every htmx swap a test waits for).
     */
    public <T> T waitFor(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50)).until(condition::apply);
    }

    /** Waits until the element {@code css} shows {@code text}. */
    public void waitForText(String css, String text) {
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    /** The session cookie's value (for a test that replays a request outside the browser). */
    public String sessionCookie() {
        Cookie c = driver.manage().getCookieNamed(UiRouter.SESSION_COOKIE);
        return c == null ? null : c.getValue();
    }

    public Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the viewport as {@code target/ui-screenshots/<name>.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /**
     * Runs axe-core (WCAG 2 A and AA rules) on the current page and returns its serious and critical violations
     * as "rule: help (targets)" lines.
     */
    @SuppressWarnings("unchecked")
    public List<String> seriousViolations() {
        script(axeSource());
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
                        + ".then(function (r) { done(r.violations.map(function (v) { return {id: v.id, impact:"
                        + " v.impact, help: v.help, targets: v.nodes.map(function (n) { return n.target.join(' ');"
                        + " }).join(', ')}; })); }, function (e) { done([{id: 'axe-error', impact: 'critical',"
                        + " help: String(e), targets: ''}]); });");
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) result) {
            Map<String, Object> v = (Map<String, Object>) o;
            String impact = String.valueOf(v.get("impact"));
            if (impact.equals("serious") || impact.equals("critical")) {
                out.add(v.get("id") + ": " + v.get("help") + " (" + v.get("targets") + ")");
            }
        }
        return out;
    }

    /** Fails when axe-core finds a serious or critical violation on the current page. */
    public void assertAccessible() {
        assertThat(seriousViolations()).as("axe-core serious/critical violations on " + path()).isEmpty();
    }

    /** The messages the browser logged to its console as errors (a CSP violation shows up here). */
    public List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (var e : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll()) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /**
     * Hands the browser back for the next test class as a new one would be: an open dialog dismissed, every cookie
     * (of every port: cookies ignore it) and cache entry gone, a blank page, the console's messages read. A browser
     * that fails to reset is quit, and the next class starts another.
     */
    @Override
    public void close() {
        try {
            try {
                driver.switchTo().alert().dismiss();
            } catch (org.openqa.selenium.NoAlertPresentException none) {
                // the usual case
            }
            driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
            driver.get("about:blank");
            driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER);
        } catch (RuntimeException e) {
            synchronized (Browser.class) {
                if (shared == driver) {
                    shared = null;
                }
            }
            quit(driver);
        }
    }

    private static String axeSource() {
        try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(AXE)) {
            if (in == null) {
                throw new IllegalStateException("axe-core is not on the test classpath: " + AXE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String axeVersion() {
        try (InputStream in = Browser.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("axe-core's WebJar is not on the test classpath", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
