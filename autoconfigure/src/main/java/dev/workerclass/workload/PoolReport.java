package dev.workerclass.workload;

/**
 * What the sampler saw of one pool while requests were in flight.
 *
 * @param kind {@code jdbc} or {@code offload}
 * @param name the pool's name
 * @param size connections or threads it has at most (at the last look)
 * @param peakBusy the most in use at one look
 * @param waitingShare the share of looks, among those with requests in flight, at which something
 * waited for it
 * @param waitingWhileWorkersIdleShare the same, counting only looks at which workers were idle too
 * @param meanWaiting threads or tasks waiting, on average over those looks
 * @param peakWaiting the most waiting at one look
 */
public record PoolReport(String kind, String name, int size, int peakBusy, double waitingShare,
		double waitingWhileWorkersIdleShare, double meanWaiting, int peakWaiting) {

}
