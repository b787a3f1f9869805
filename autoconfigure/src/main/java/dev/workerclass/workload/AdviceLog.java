package dev.workerclass.workload;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Logs the advice once at INFO when it changes, once there were enough samples: the first advice,
 * and each one that names another class, other sizes or other limits. The sentences alone
 * changing (the numbers move with every look) is not a change.
 */
public final class AdviceLog {

	private static final System.Logger logger = System.getLogger(AdviceLog.class.getName());

	private final Supplier<Advice> advice;

	private final Consumer<String> log;

	private @Nullable String lastKey;

	public AdviceLog(Supplier<Advice> advice) {
		this(advice, (message) -> logger.log(Level.INFO, message));
	}

	AdviceLog(Supplier<Advice> advice, Consumer<String> log) {
		this.advice = advice;
		this.log = log;
	}

	/** Computes the advice and logs it if it changed; returns whether it logged. */
	public synchronized boolean check() {
		Advice current = this.advice.get();
		if (current.verdict() == Advice.Verdict.NOT_ENOUGH) {
			return false;
		}
		String key = current.key();
		if (key.equals(this.lastKey)) {
			return false;
		}
		this.lastKey = key;
		this.log.accept(message(current));
		return true;
	}

	static String message(Advice advice) {
		StringBuilder message = new StringBuilder("Workload advice (GET /actuator/workers/advice): ");
		advice.properties().forEach((name, value) -> message.append(name).append('=').append(value).append(' '));
		message.append("- ").append(advice.why());
		for (Advice.Limit limit : advice.limits()) {
			message.append(" Limit: ").append(limit.why());
		}
		return message.toString();
	}

}
