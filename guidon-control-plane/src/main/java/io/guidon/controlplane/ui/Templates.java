package io.guidon.controlplane.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.vertx.core.buffer.Buffer;

/**
 * The UI's jte templates (src/main/jte), compiled to Java classes at build time by jte-maven-plugin: a template's
 * parameters are checked by the compiler, nothing is compiled at run time, and HTML output escapes every
 * {@code ${...}} for its context (text, attribute, URL). Each template takes one view model.
 */
public final class Templates {

    /** The package jte-maven-plugin generates the templates' classes in (guidon-control-plane/pom.xml). */
    static final String PACKAGE = "io.guidon.controlplane.ui.templates";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Templates.class.getClassLoader(), PACKAGE);

    /** Renders {@code template} (its path under src/main/jte, e.g. {@code "flags/list.jte"}) with {@code model}. */
    public Buffer render(String template, Object model) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        engine.render(template, model, out);
        Buffer buffer = Buffer.buffer(out.getContentLength());
        try {
            out.writeTo(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                buffer.appendByte((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.appendBytes(b, off, len);
            }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a buffer in memory does not fail", e);
        }
        return buffer;
    }
}
