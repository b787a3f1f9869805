package dev.workerclass.diagnostics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One distinct problem the diagnostics saw: a kind of stall at one stack, how often and how long.
 *
 * @param kind what kind of stall it is
 * @param summary one line saying what happened and where
 * @param stack the top frames (at most {@link #MAX_FRAMES}), innermost first, each formatted as
 * {@link StackTraceElement#toString()}; empty when no stack explains it
 * @param count occurrences since start
 * @param firstSeen when it was first seen
 * @param lastSeen when it was last seen
 * @param longest the longest occurrence
 */
public record Finding(Kind kind, String summary, List<String> stack, long count, Instant firstSeen,
		Instant lastSeen, Duration longest) {

	/** The most frames a finding keeps: enough to reach the application's frame, small in the endpoint. */
	public static final int MAX_FRAMES = 12;

	public Finding {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(summary, "summary");
		stack = List.copyOf((stack.size() > MAX_FRAMES) ? stack.subList(0, MAX_FRAMES) : stack);
		Objects.requireNonNull(firstSeen, "firstSeen");
		Objects.requireNonNull(lastSeen, "lastSeen");
		Objects.requireNonNull(longest, "longest");
	}

	/** The kinds of stall the diagnostics tell apart, each with the name the endpoint and the log show. */
	public enum Kind {

		/** A virtual thread parked while pinned to its carrier (JFR {@code jdk.VirtualThreadPinned}). */
		PINNED("pinned"),

		/** Carrier starvation explained by a virtual thread blocking in native code (JNI or FFM). */
		NATIVE_CALL("native-call"),

		/** The virtual-thread scheduler started work late and nothing seen explains why. */
		CARRIER_STARVATION("carrier-starvation"),

		/** An event loop ran one task longer than the threshold. */
		BLOCKED_LOOP("blocked-loop");

		private final String value;

		Kind(String value) {
			this.value = value;
		}

		/** The name shown in the endpoint and the log: {@code pinned}, {@code native-call}, ... */
		public String value() {
			return this.value;
		}

	}

}
