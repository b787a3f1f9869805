package dev.workerclass.autoscale;

/**
 * One look at the workers, as the {@link AutoscalePolicy} reads it.
 *
 * @param nanos when it was taken, on a monotonic clock ({@link System#nanoTime()} or a fake one)
 * @param workers worker units then
 * @param capacity requests served at once then (workers × what one worker serves)
 * @param busy requests holding a slot
 * @param queued requests waiting for one
 */
public record Load(long nanos, int workers, int capacity, int busy, int queued) {

	/** The busy share, from 0 to 1: after a shrink, busy may exceed the capacity for a while. */
	double busyShare() {
		return (this.capacity > 0) ? Math.min(1.0, (double) this.busy / this.capacity) : 1.0;
	}

	/** Requests one worker serves at once. */
	int perWorker() {
		return Math.max(1, this.capacity / Math.max(1, this.workers));
	}

}
