package dev.workerclass.workers;

import java.time.Duration;

/**
 * gunicorn's {@code tornado}/{@code aiohttp}: {@code workers} event-loop threads that must never
 * block. The engine runs requests on its loops and takes a slot per request with
 * {@link #admit}; at most {@code workers × worker-connections} are in flight. Handlers written in
 * blocking style run on the {@link OffloadWorkers offload pool}, never on a loop.
 */
public final class ReactiveWorkers extends Workers {

	public ReactiveWorkers(WorkerSettings settings) {
		// The engine runs its own loops; container threads serve only servlet engines.
		super(settings, "workerclass-io-");
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
