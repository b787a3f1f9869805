package dev.workerclass.workers;

import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * What makes a worker class what it is, beyond its name: the kind of thread that runs a request,
 * what one worker holds, the default number of workers, and what the engine must do about
 * connections. Each class's {@link Workers} declares its own ({@code SyncWorkers.MODEL} and so on),
 * so that the file of a class says everything that class does; {@link WorkerClass} and the engine
 * adapters only ask.
 *
 * @param threadKind the thread a request's handler runs on
 * @param perWorker what one worker holds, which sets the capacity and the size a resize may change
 * @param defaultWorkers the default {@code server.workers} for a number of cores
 * @param defaultThreads the default {@code server.threads}
 * @param keepsAlive whether a connection stays open for the next request; {@code false}: every
 * response closes its connection
 * @param capsConnections whether the engine accepts no more connections than
 * {@link WorkerSettings#connectionLimit()}, so that the rest wait in the kernel's backlog as in
 * front of a pre-fork server; {@code false}: that limit is only a floor under the engine's own
 * @param newWorkers makes this class's workers for resolved settings
 */
public record WorkerModel(ThreadKind threadKind, PerWorker perWorker, IntUnaryOperator defaultWorkers,
		int defaultThreads, boolean keepsAlive, boolean capsConnections, Function<WorkerSettings, Workers> newWorkers) {

	/** The thread a request's handler runs on. */
	public enum ThreadKind {

		/** A platform thread of the workers' pool, one per slot. */
		PLATFORM,

		/** A virtual thread of its own. */
		VIRTUAL,

		/** One of the engine's event loops, which must never block. */
		EVENT_LOOP

	}

	/** What one worker holds: requests in flight per worker, and the property that sizes it. */
	public enum PerWorker {

		/** One request: a worker is one thread. */
		ONE_REQUEST,

		/** {@code server.threads} requests, one per thread. */
		THREADS,

		/** {@code server.worker-connections} requests in flight. */
		WORKER_CONNECTIONS;

		/** Requests one worker serves at once with these settings. */
		public int size(int threads, int workerConnections) {
			return switch (this) {
				case ONE_REQUEST -> 1;
				case THREADS -> threads;
				case WORKER_CONNECTIONS -> workerConnections;
			};
		}

	}

}
