package io.guidon.protocol;

/**
 * A message that does not follow the protocol (a snapshot answer, a change notification or an events answer that is
 * not JSON, or misses a member it must have). Thrown by the decoders of messages a side receives from its own
 * counterpart, where a broken message is a fault of the peer, not of a user; the event batch decoder, which reads
 * what many sidecars send, never throws it but reports each problem ({@code events.EventBatchDecoder}).
 */
public final class ProtocolException extends RuntimeException {

    public ProtocolException(String message) {
        super(message, null, false, false);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
