package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.List;

/**
 * What {@link EventLoopDiagnostics} saw since it started.
 *
 * @param loops event loops watched now
 * @param maxLag the longest time a probe task waited for its loop, any loop (a probe still
 * waiting counts for its wait so far)
 * @param lastLagPerLoop the last probe's wait on each loop, in the order of the loops (a loop
 * whose probe is still waiting past the threshold shows that wait)
 * @param blockedEvents episodes in which a loop ran something longer than the threshold
 * @param top the blocked-loop findings seen most often, at most five
 */
public record EventLoopReport(int loops, Duration maxLag, List<Duration> lastLagPerLoop, long blockedEvents,
		List<Finding> top) {

	public EventLoopReport {
		lastLagPerLoop = List.copyOf(lastLagPerLoop);
		top = List.copyOf(top);
	}

}
