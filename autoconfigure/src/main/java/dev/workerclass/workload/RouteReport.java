package dev.workerclass.workload;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What the sampled requests of one route did.
 *
 * @param route the method and the handler mapping's pattern, as in {@code GET /owners/{id}};
 * {@code (unmapped)} for requests no handler mapping matched
 * @param sampled requests measured
 * @param requests requests estimated from the sample: {@code sampled × sample-every}
 * @param mean their mean time
 * @param p99 the time 99% of them took at most (within about 5%)
 * @param cpuShare the share of their time their thread was on CPU or ready for a core: by CPU time
 * on platform threads (with the machine's cores full, the share of looks that found the thread
 * RUNNABLE, if more), by the share of looks that found it RUNNABLE on virtual threads; {@code null}
 * when not measured (on event loops, or too few looks)
 * @param waitingShare {@code 1 - cpuShare}: blocked, parked or sleeping; {@code null} with it
 * @param measuredBy {@code cpu-time} (platform threads: the thread's CPU time), {@code thread-states}
 * (virtual threads: a sampler looking at the thread's state), {@code mixed}, or {@code none}
 */
public record RouteReport(String route, long sampled, long requests, Duration mean, Duration p99,
		@Nullable Double cpuShare, @Nullable Double waitingShare, String measuredBy) {

}
