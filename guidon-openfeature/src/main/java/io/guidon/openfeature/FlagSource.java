package io.guidon.openfeature;

import io.guidon.engine.FlagSet;

/**
 * Where the provider's flags come from: a file, a sidecar or the control plane. A source runs on its own threads
 * (never the application's evaluation path) and reports to its {@link Listener}: each new compiled set, and each
 * failure. It keeps trying after a failure (with backoff); the provider keeps serving the last good set.
 */
interface FlagSource extends AutoCloseable {

    /** What a source reports. Called from the source's threads, one call at a time. */
    interface Listener {

        /** A new set compiled; {@code version} is the source's own (strictly greater for a newer set). */
        void loaded(FlagSet flags, long version, String origin);

        /**
         * The source answered and holds the set last {@link #loaded} (a 304, the same version again): nothing new,
         * but the source is readable again, so a provider that a failure left STALE or ERROR is READY again. Any
         * successful exchange with the source is a {@code loaded} or an {@code unchanged}.
         */
        void unchanged(String origin);

        /**
         * The source failed. {@code invalid}: it answered with a document that does not compile (the flags are
         * wrong: OpenFeature's PROVIDER_ERROR); otherwise it could not be read or reached (PROVIDER_STALE).
         */
        void failed(String message, boolean invalid);
    }

    /** Starts reading; the first result (or failure) is reported to {@code listener}, from another thread. */
    void start(Listener listener);

    /**
     * The flag set read, as {@code <tenant>/<environment>} ({@code feature_flag.set.id} of evaluation events), or
     * null when the source has no such name (a file, a sidecar) or has not answered yet. Any thread.
     */
    default String flagSetId() {
        return null;
    }

    /** Where it reads, for messages: "file flags.json", "sidecar http://127.0.0.1:8080". */
    String describe();

    /** Stops every thread and connection of this source; never throws. */
    @Override
    void close();
}
