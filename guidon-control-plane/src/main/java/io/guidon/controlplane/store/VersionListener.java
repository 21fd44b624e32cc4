package io.guidon.controlplane.store;

/** Told, after commit, that an environment's document reached a version (the snapshot cache listens). */
public interface VersionListener {

    void committed(long environmentId, long version);
}
