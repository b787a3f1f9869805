package dev.workerclass.autoscale;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A change of the worker count the {@link AutoscalePolicy} chose.
 *
 * @param direction whether the workers grow or shrink
 * @param from workers before
 * @param to workers after
 * @param reason why, tersely: {@code busy 92% over 3s, 14 waiting}
 * @param at when the {@link Autoscaler} recorded it; {@code null} as the policy answers it, since
 * the policy keeps monotonic time only
 */
public record Decision(Direction direction, int from, int to, String reason, @Nullable Instant at) {

	/** This decision, recorded at {@code at}. */
	public Decision recordedAt(Instant at) {
		return new Decision(this.direction, this.from, this.to, this.reason, at);
	}

	/** One line, as the log says it: {@code 2 -> 5 workers (busy 92% over 3s, 14 waiting)}. */
	public String describe() {
		return this.from + " -> " + this.to + " workers (" + this.reason + ")";
	}

	/** Which way the workers go. */
	public enum Direction {

		/** More workers. */
		UP,

		/** Fewer workers. */
		DOWN

	}

}
