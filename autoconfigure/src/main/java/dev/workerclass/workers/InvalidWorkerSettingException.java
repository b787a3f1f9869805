package dev.workerclass.workers;

import org.jspecify.annotations.Nullable;

/**
 * A worker setting has a value the starter cannot use. Carries what a person needs to fix it:
 * the property, the value given and what would have been accepted. The Spring glue turns it
 * into a start-up failure report.
 */
public class InvalidWorkerSettingException extends IllegalArgumentException {

	private final String property;

	private final String value;

	private final String expected;

	public InvalidWorkerSettingException(String property, @Nullable Object value, String expected) {
		super(property + "=" + value + " is not valid: expected " + expected);
		this.property = property;
		this.value = String.valueOf(value);
		this.expected = expected;
	}

	/** The property's name, e.g. {@code server.workers}. */
	public String getProperty() {
		return this.property;
	}

	/** The value as it was given. */
	public String getValue() {
		return this.value;
	}

	/** What would have been accepted, as a phrase: "a whole number from 1 to 10000". */
	public String getExpected() {
		return this.expected;
	}

}
