package dev.workerclass.workload;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The worker class and sizes that fit what was measured, with why, and the limits that are not
 * the workers.
 *
 * @param verdict what the requests are: {@link Verdict#IO_BOUND}, {@link Verdict#CPU_BOUND},
 * {@link Verdict#UNSURE}, or {@link Verdict#NOT_ENOUGH} before enough samples
 * @param workerClass the class that fits; {@code null} before enough samples
 * @param properties the settings that say it, as in {@code server.worker-class=virtual}; empty
 * before enough samples
 * @param why one sentence with the numbers it follows from
 * @param limits what limits the server that is not the workers; empty when nothing does
 */
public record Advice(Verdict verdict, @Nullable String workerClass, Map<String, String> properties, String why,
		List<Limit> limits) {

	/** What the requests are, by the share of their time spent waiting. */
	public enum Verdict {

		/** Mostly waiting: {@code virtual}, or {@code reactive} for reactive handlers. */
		IO_BOUND,

		/** Mostly on CPU: {@code thread} (or {@code sync}) with about as many threads as cores. */
		CPU_BOUND,

		/** Between the two: {@code thread}, gunicorn's choice when unsure. */
		UNSURE,

		/** Too few requests measured to say. */
		NOT_ENOUGH;

		/** As the endpoint and the log write it: {@code io-bound}, {@code cpu-bound}, ... */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}

	}

	/**
	 * A limit that is not the workers.
	 *
	 * @param kind {@code jdbc-pool}, {@code offload-pool}, {@code native-calls} or {@code blocked-loops}
	 * @param name what it is: the pool's name, or {@code carriers}, {@code event-loops}
	 * @param why one sentence with what was seen and what to change
	 */
	public record Limit(String kind, String name, String why) {

	}

	/** The advice without its sentences: two of them with one key say the same thing. */
	public String key() {
		return this.verdict + " " + this.workerClass + " " + this.properties + " "
				+ this.limits.stream().map((limit) -> limit.kind() + ":" + limit.name()).toList();
	}

}
