package io.guidon.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client sends (no {@code Host}, a request line of any length):
 * writes {@code head} (CRLF line ends added, then an empty line) and reads the answer until the server closes.
 */
public final class RawHttp {

    /** An answer: its status, headers (names lower-cased) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    public static Answer send(int port, String... headLines) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String head = String.join("\r\n", headLines) + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            String text;
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException reset) {
                    n = -1; // the server closed after answering
                }
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                text = out.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    Answer a = parse(text, end);
                    String length = a.header("content-length");
                    if (length != null && a.body().getBytes(StandardCharsets.UTF_8).length >= Integer.parseInt(
                            length.trim())) {
                        return a;
                    }
                }
            }
            text = out.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IllegalStateException("no HTTP answer: " + text);
            }
            return parse(text, end);
        }
    }

    private static Answer parse(String text, int end) {
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
                    .trim());
        }
        return new Answer(status, headers, text.substring(end + 4));
    }
}
