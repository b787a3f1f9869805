package dev.workerclass.workers;

/**
 * gunicorn's {@code sync}: each worker is one platform thread that serves one request at a time.
 * The engine adapters add the rest of the model: no keep-alive (every response closes its
 * connection) and no more accepted connections than {@link WorkerSettings#connectionLimit()}
 * (workers, their line and a few for the control plane), so the excess waits in the TCP backlog
 * as it does in front of a pre-fork server.
 */
public final class SyncWorkers extends PlatformThreadWorkers {

	public SyncWorkers(WorkerSettings settings) {
		super(settings, "workerclass-sync-");
	}

}
