package io.guidon.controlplane.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Where the UI's scripts and styles are: ours under {@code /ui/assets/}, the libraries' from their WebJars under
 * {@code /ui/vendor/} (the jar serves everything: no CDN, so the UI works on an air-gapped network). The WebJars'
 * versions are read from their own Maven metadata at start, so an upgrade is a POM change only; a missing WebJar
 * fails the start.
 *
 * @param htmx the URL of htmx
 * @param chart the URL of Chart.js
 * @param appJs the URL of the UI's own script
 * @param appCss the URL of the UI's stylesheet
 */
public record Assets(String htmx, String chart, String appJs, String appCss) {

    /** The classpath folder of the WebJars' files, served at {@code /ui/vendor/}. */
    static final String WEBJARS = "META-INF/resources/webjars";

    /** Resolves the WebJars on the classpath; fails when one is missing. */
    public static Assets resolve() {
        String htmx = "/ui/vendor/htmx.org/" + version("htmx.org") + "/dist/htmx.min.js";
        String chart = "/ui/vendor/chart.js/" + version("chart.js") + "/dist/chart.umd.js";
        for (String url : new String[] {htmx, chart}) {
            if (Assets.class.getClassLoader().getResource(WEBJARS + url.substring("/ui/vendor".length())) == null) {
                throw new IllegalStateException("the UI's asset " + url + " is not on the classpath");
            }
        }
        return new Assets(htmx, chart, "/ui/assets/app.js", "/ui/assets/app.css");
    }

    private static String version(String artifact) {
        String name = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the WebJar " + artifact + " is not on the classpath (" + name + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
