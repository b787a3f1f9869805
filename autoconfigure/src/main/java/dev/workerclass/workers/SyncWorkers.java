package dev.workerclass.workers;

import dev.workerclass.workers.WorkerModel.PerWorker;
import dev.workerclass.workers.WorkerModel.ThreadKind;

/**
 * gunicorn's {@code sync}: each worker is one platform thread that serves one request at a time,
 * so the capacity is the number of workers, by default gunicorn's 2 × cores + 1. No keep-alive:
 * every response closes its connection. The engine accepts no more connections than
 * {@link WorkerSettings#connectionLimit()} (workers, their line and a few for the control plane),
 * so the excess waits in the TCP backlog as it does in front of a pre-fork server.
 */
public final class SyncWorkers extends PlatformThreadWorkers {

	/** What sync is; the engine adapters read {@code keepsAlive} and {@code capsConnections} from it. */
	static final WorkerModel MODEL = new WorkerModel(ThreadKind.PLATFORM, PerWorker.ONE_REQUEST,
			(cores) -> 2 * cores + 1, 1, false, true, SyncWorkers::new);

	public SyncWorkers(WorkerSettings settings) {
		super(settings, "workerclass-sync-");
	}

}
