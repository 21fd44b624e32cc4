package io.guidon.openfeature;

/**
 * Where a source's events go: the control plane's {@code POST /api/v1/events}, the sidecar's {@code POST /v1/track},
 * or nowhere. Called by the flusher's thread only.
 */
interface EventDelivery {

    /** A drain made ready to send (a batch with its id, so that a retry is recognised), or null: nothing to send. */
    Object prepare(EventRecorder.Drained drained, long nowMillis);

    /**
     * Sends {@code batch}: true when it is done with (delivered, or refused for good: retrying it as is could not
     * succeed), false or an exception when it is to be sent again later (unreachable, 5xx, 408, 429).
     */
    boolean send(Object batch) throws Exception;

    /** Delivers nothing: the file source's (unless the application gives a sink). */
    EventDelivery NONE = new EventDelivery() {
        @Override
        public Object prepare(EventRecorder.Drained drained, long nowMillis) {
            return null;
        }

        @Override
        public boolean send(Object batch) {
            return true;
        }
    };
}
