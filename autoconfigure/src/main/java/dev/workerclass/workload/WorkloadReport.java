package dev.workerclass.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the workload measurement saw since it started.
 *
 * @param since when it started
 * @param sampleEvery one request in this many is measured
 * @param sampled requests measured, every route together
 * @param routes per route, the busiest (by time spent) first
 * @param cpuShare the share of the sampled requests' time spent on CPU, every route together,
 * weighted by time; {@code null} when not measured
 * @param waitingShare {@code 1 - cpuShare}; {@code null} with it
 * @param inFlightMean requests in flight on average, over the sampler's looks while any was
 * @param inFlightPeak the most requests in flight at one look
 * @param active how long requests were in flight, as the sampler's looks count it
 * @param coresBusy the share of the cores this process used while requests were in flight;
 * {@code null} when the JVM does not tell its CPU time
 * @param machineBusy the share of the machine's cores used by every process while requests were
 * in flight; {@code null} when not known. At {@value Workload#CORES_FULL} or more, time a platform
 * thread was RUNNABLE off CPU counts as waiting for a core (CPU), not as waiting
 * @param cores {@code Runtime.availableProcessors()}
 * @param pools the pools in front of the work
 */
public record WorkloadReport(Instant since, int sampleEvery, long sampled, List<RouteReport> routes,
		@Nullable Double cpuShare, @Nullable Double waitingShare, double inFlightMean, int inFlightPeak,
		Duration active, @Nullable Double coresBusy, @Nullable Double machineBusy, int cores, List<PoolReport> pools) {

}
