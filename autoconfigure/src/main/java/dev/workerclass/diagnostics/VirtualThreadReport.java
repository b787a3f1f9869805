package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.List;

/**
 * What {@link VirtualThreadDiagnostics} saw since it started.
 *
 * @param pinnedEvents virtual threads that parked while pinned to their carrier past the
 * threshold (JFR {@code jdk.VirtualThreadPinned})
 * @param starvationEvents episodes in which a probe virtual thread started later than the lag
 * threshold: every carrier was busy or blocked
 * @param nativeCallFindings starvation episodes explained by a virtual thread seen in native code
 * @param maxLag the longest probe lag (a probe still waiting counts for its wait so far)
 * @param lastLag the last probe's lag (or the current probe's wait, once past the threshold)
 * @param probes probes that ran
 * @param top the findings seen most often (pinned, native-call, carrier-starvation), at most five
 */
public record VirtualThreadReport(long pinnedEvents, long starvationEvents, long nativeCallFindings,
		Duration maxLag, Duration lastLag, long probes, List<Finding> top) {

	public VirtualThreadReport {
		top = List.copyOf(top);
	}

}
