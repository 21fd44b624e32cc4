package io.guidon.controlplane.service;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one webhook request, and says whether a URL may be sent to. The contract: {@link #send} posts
 * {@code body} with {@code headers} to {@code url}, follows no redirect, gives up after {@code timeout} (connection,
 * request and answer together), keeps at most the first {@link #RESPONSE_BYTES} bytes of the answer's body, and
 * never fails: every problem (refused address, no answer, timeout) is an {@link Outcome} with an error. Before
 * connecting it resolves the URL's host and refuses an address the server-side-request-forgery policy refuses, and
 * connects to the address it checked (so a name that resolves elsewhere later cannot slip through). Implemented by
 * {@code publish.HttpWebhookSender}.
 */
public interface WebhookSender {

    /** The most of an answer's body kept for the delivery log. */
    int RESPONSE_BYTES = 1024;

    /** A request to send. */
    record Request(String url, Map<String, String> headers, byte[] body, Duration timeout) {
    }

    /**
     * What came of it: the HTTP status (null when none came; {@code error} says why), the time taken, the start of
     * the answer's body (UTF-8, invalid bytes replaced; null when none), and its {@code Retry-After} (null when
     * none or not in seconds).
     */
    record Outcome(Integer status, String error, long latencyMs, String response, Duration retryAfter) {

        /** A 2xx answer. */
        public boolean success() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /** Sends {@code request}; see the contract above. */
    Future<Outcome> send(Request request);

    /**
     * Why {@code url}'s host may not be sent to (it resolves to a refused address, or not at all), or null when it
     * may. Sequential code for a virtual thread (it resolves the name).
     */
    String refusal(String url);
}
