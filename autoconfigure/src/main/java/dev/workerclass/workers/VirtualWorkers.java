package dev.workerclass.workers;

import java.time.Duration;

import dev.workerclass.workers.WorkerModel.PerWorker;
import dev.workerclass.workers.WorkerModel.ThreadKind;

/**
 * gunicorn's {@code gevent}/{@code eventlet} ({@code async}): one virtual thread per request, at
 * most {@code workers × worker-connections} at once. Handlers keep their blocking style; a
 * blocking call unmounts the virtual thread and frees its carrier, as a greenlet yields to the hub.
 * The container's threads are the workers here: the virtual thread that reads a request also
 * runs its handler, with no hand-off. One worker by default; connections are kept alive and the
 * engine's own connection limit stays, raised to {@link WorkerSettings#connectionLimit()} if lower.
 */
public final class VirtualWorkers extends Workers {

	/** What virtual is. */
	static final WorkerModel MODEL = new WorkerModel(ThreadKind.VIRTUAL, PerWorker.WORKER_CONNECTIONS, (cores) -> 1,
			1, true, false, VirtualWorkers::new);

	public VirtualWorkers(WorkerSettings settings) {
		super(settings, "workerclass-virtual-");
	}

	@Override
	public void close(Duration grace) {
		// Virtual threads need no stopping; wait, within the grace period, for the ones still running.
		try {
			slots().awaitIdle(System.nanoTime() + grace.toNanos());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
