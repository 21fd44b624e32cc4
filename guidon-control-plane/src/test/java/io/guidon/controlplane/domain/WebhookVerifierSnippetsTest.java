package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature verifiers docs/webhooks.md shows (Java, Python, Node), taken from the document as written and run
 * (the Java one compiled in-process, the others by {@code python3} and {@code node}) against signatures made by
 * {@link WebhookSignature}: the fixed vector of {@link WebhookSignatureTest}, a fresh one, and a rotation's two;
 * each must accept those and refuse a changed body, another secret and an old timestamp.
 */
class WebhookVerifierSnippetsTest {

    private static final Path DOC = Path.of("docs/webhooks.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The vector of {@link WebhookSignatureTest}. */
    private static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final byte[] BODY = "{\"type\":\"flag.toggled\",\"data\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8);
    private static final long FOREVER = 10_000_000_000L;

    @TempDir
    Path dir;

    /** One verification: the arguments of the snippets' {@code verify}, and what it must answer. */
    private record Case(String name, String secret, Map<String, String> headers, byte[] body, long tolerance,
            boolean valid) {
    }

    private static List<Case> cases() {
        String other = WebhookSignature.newSecret(new SecureRandom());
        long now = Instant.now().getEpochSecond();
        String fresh = WebhookSignature.header(SECRET, null, "msg_9_3", now, BODY);
        String rotated = WebhookSignature.header(other, SECRET, "msg_9_3", now, BODY);
        assertThat(WebhookSignature.sign(SECRET, "msg_42_7", 1764680000L, BODY))
                .isEqualTo("v1,ebuAzUA10nKt8/2JMue+hM1KQUrNM4WzPIUIiKHuOIo=");
        return List.of(
                new Case("the unit test's vector", SECRET, headers("msg_42_7", 1764680000L,
                        "v1,ebuAzUA10nKt8/2JMue+hM1KQUrNM4WzPIUIiKHuOIo="), BODY, FOREVER, true),
                new Case("a fresh signature", SECRET, headers("msg_9_3", now, fresh), BODY, 300, true),
                new Case("the old secret during a rotation", SECRET, headers("msg_9_3", now, rotated), BODY, 300,
                        true),
                new Case("the new secret during a rotation", other, headers("msg_9_3", now, rotated), BODY, 300,
                        true),
                new Case("a changed body", SECRET, headers("msg_9_3", now, fresh),
                        "{\"type\":\"flag.toggled\",\"data\":{\"x\":2}}".getBytes(StandardCharsets.UTF_8), 300, false),
                new Case("another id", SECRET, headers("msg_9_4", now, fresh), BODY, 300, false),
                new Case("another secret", other, headers("msg_9_3", now, fresh), BODY, 300, false),
                new Case("an old timestamp (a replay)", SECRET, headers("msg_42_7", 1764680000L,
                        "v1,ebuAzUA10nKt8/2JMue+hM1KQUrNM4WzPIUIiKHuOIo="), BODY, 300, false));
    }

    private static Map<String, String> headers(String id, long timestamp, String signature) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("webhook-id", id);
        h.put("webhook-timestamp", Long.toString(timestamp));
        h.put("webhook-signature", signature);
        return h;
    }

    /** The code block of {@code language} in the "Verifying a signature" section. */
    private static String snippet(String language) throws IOException {
        String doc = Files.readString(DOC);
        int from = doc.indexOf("## Verifying a signature");
        String section = doc.substring(from, doc.indexOf("\n## ", from + 1));
        Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(m.find()).as("a ```%s block in the section", language).isTrue();
        return m.group(1);
    }

    /** The cases as JSON lines: secret, headers, body (base64), tolerance. */
    private static String input(List<Case> cases) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Case c : cases) {
            b.append(JSON.writeValueAsString(Map.of("secret", c.secret(), "headers", c.headers(), "body",
                    Base64.getEncoder().encodeToString(c.body()), "tolerance", c.tolerance()))).append('\n');
        }
        return b.toString();
    }

    private static List<String> run(Path script, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(input(cases()).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static void check(List<String> answers) {
        List<Case> cases = cases();
        assertThat(answers).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            assertThat(answers.get(i)).as(cases.get(i).name()).isEqualTo(Boolean.toString(cases.get(i).valid()));
        }
    }

    @Test
    void thePythonVerifierAcceptsOurSignaturesAndRefusesTheRest() throws Exception {
        Path script = dir.resolve("verify.py");
        Files.writeString(script, snippet("python") + """

                import json, sys
                for line in sys.stdin:
                    c = json.loads(line)
                    print("true" if verify(c["secret"], c["headers"], base64.b64decode(c["body"]), c["tolerance"])
                          else "false")
                """);
        check(run(script, "python3", script.toString()));
    }

    @Test
    void theNodeVerifierAcceptsOurSignaturesAndRefusesTheRest() throws Exception {
        Path script = dir.resolve("verify.js");
        Files.writeString(script, snippet("js") + """

                const lines = require("node:fs").readFileSync(0, "utf8").split("\\n").filter((l) => l);
                for (const line of lines) {
                  const c = JSON.parse(line);
                  console.log(String(verify(c.secret, c.headers, Buffer.from(c.body, "base64"), c.tolerance)));
                }
                """);
        check(run(script, "node", script.toString()));
    }

    @Test
    void theJavaVerifierAcceptsOurSignaturesAndRefusesTheRest() throws Exception {
        Path source = dir.resolve("Verifier.java");
        Files.writeString(source, """
                import java.nio.charset.StandardCharsets;
                import java.security.MessageDigest;
                import java.time.Instant;
                import java.util.Base64;
                import java.util.Map;
                import javax.crypto.Mac;
                import javax.crypto.spec.SecretKeySpec;

                public class Verifier {
                """ + snippet("java") + "}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", dir.toString(), source.toString())).isZero();
        List<String> answers = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()})) {
            Method verify = loader.loadClass("Verifier").getDeclaredMethod("verify", String.class, Map.class,
                    byte[].class, long.class);
            verify.setAccessible(true);
            for (Case c : cases()) {
                answers.add(String.valueOf(verify.invoke(null, c.secret(), c.headers(), c.body(), c.tolerance())));
            }
        }
        check(answers);
    }
}
