package dev.workerclass.workers;

import java.time.Instant;

/**
 * The workers' counters at one moment.
 *
 * @param workerClass the model
 * @param workers worker units now
 * @param threads threads per worker (thread class)
 * @param workerConnections requests per worker (virtual, reactive)
 * @param capacity requests served at once
 * @param busy requests holding a slot
 * @param queued requests waiting for one
 * @param completed requests that held a slot and ended, since start
 * @param rejected requests refused with 503 because the line was full, since start
 * @param timedOut requests given up at their deadline ({@code server.timeout}), since start
 * @param resizes resizes since start
 * @param maxWorkers the most workers a resize may set
 * @param maxQueued the most requests that may wait
 * @param startedAt when these workers started
 */
public record WorkersSnapshot(WorkerClass workerClass, int workers, int threads, int workerConnections, int capacity,
		int busy, int queued, long completed, long rejected, long timedOut, long resizes, int maxWorkers, int maxQueued,
		Instant startedAt) {

	/** Free slots: capacity − busy, never negative (after a shrink, busy may exceed capacity for a while). */
	public int idle() {
		return Math.max(0, this.capacity - this.busy);
	}

}
