package dev.workerclass.offload;

import java.util.Locale;

import dev.workerclass.workers.InvalidWorkerSettingException;
import org.jspecify.annotations.Nullable;

/** {@code server.offload}: which blocking-style handlers of a reactive app leave the event loop. */
public enum OffloadMode {

	/** Every handler that returns a plain value runs on the offload pool: the loop never waits for one. */
	ALWAYS,

	/**
	 * A handler that returns a plain value starts on the offload pool; once measured not to wait,
	 * it runs on the event loop, and back on the pool for good if the loop watchdog ever finds it
	 * blocking the loop.
	 */
	AUTO;

	/** The property's name. */
	public static final String PROPERTY = "server.offload";

	/**
	 * The mode a value names, in any case; {@link #ALWAYS} when none is given.
	 * @throws InvalidWorkerSettingException naming the property and the values it takes
	 */
	public static OffloadMode of(@Nullable String value) {
		if (value == null) {
			return ALWAYS;
		}
		for (OffloadMode mode : values()) {
			if (mode.value().equalsIgnoreCase(value.trim())) {
				return mode;
			}
		}
		throw new InvalidWorkerSettingException(PROPERTY, value, "always or auto");
	}

	/** As the property takes it: {@code always} or {@code auto}. */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
