package dev.workerclass.workers;

import java.time.Duration;

import dev.workerclass.workers.WorkerModel.PerWorker;
import dev.workerclass.workers.WorkerModel.ThreadKind;

/**
 * gunicorn's {@code tornado}/{@code aiohttp}: {@code workers} event-loop threads that must never
 * block. The engine runs requests on its loops and takes a slot per request with
 * {@link #admit}; at most {@code workers × worker-connections} are in flight. Handlers written in
 * blocking style run on the {@link OffloadWorkers offload pool}, never on a loop. One loop per
 * core by default; connections are kept alive.
 */
public final class ReactiveWorkers extends Workers {

	/** What reactive is. */
	static final WorkerModel MODEL = new WorkerModel(ThreadKind.EVENT_LOOP, PerWorker.WORKER_CONNECTIONS,
			(cores) -> cores, 1, true, false, ReactiveWorkers::new);

	public ReactiveWorkers(WorkerSettings settings) {
		// The engine runs its own loops; container threads serve only servlet engines.
		super(settings, "workerclass-container-");
	}

	/** The number of event-loop threads: one per worker. */
	public int eventLoops() {
		return settings().workers();
	}

	@Override
	public void close(Duration grace) {
		// Nothing of its own to stop: the engine owns the loops.
	}

}
