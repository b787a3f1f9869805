package dev.workerclass.workers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The four ways to handle concurrent requests, named as gunicorn names its worker classes
 * ({@code -k}). Each knows its aliases and its defaults; how a class runs requests lives in its
 * own {@link Workers} subclass.
 */
public enum WorkerClass {

	/** gunicorn {@code sync}: one platform thread per worker, one request at a time, no keep-alive. */
	SYNC("sync", List.of(), true),

	/** gunicorn {@code gthread}: a pool of {@code workers × threads} platform threads, keep-alive on. */
	THREAD("thread", List.of("gthread", "threads"), true),

	/** gunicorn {@code gevent}/{@code eventlet}: one virtual thread per request. */
	VIRTUAL("virtual", List.of("async", "gevent", "eventlet", "green"), true),

	/** gunicorn {@code tornado}/{@code aiohttp}: event-loop threads running Spring WebFlux. */
	REACTIVE("reactive", List.of("tornado", "aiohttp", "gaiohttp", "asyncio", "event-loop"), false);

	/** The class used when {@code server.worker-class} is not set: a plain Spring Boot app's model. */
	public static final WorkerClass DEFAULT = THREAD;

	private final String canonicalName;

	private final List<String> aliases;

	private final boolean servlet;

	WorkerClass(String canonicalName, List<String> aliases, boolean servlet) {
		this.canonicalName = canonicalName;
		this.aliases = aliases;
		this.servlet = servlet;
	}

	/** The name the starter prints and reports: {@code sync}, {@code thread}, {@code virtual}, {@code reactive}. */
	public String canonicalName() {
		return this.canonicalName;
	}

	/** Other names accepted for this class (gunicorn's and asyncio's words for the same model). */
	public List<String> aliases() {
		return this.aliases;
	}

	/** Whether the class runs on a servlet container (Spring MVC) rather than WebFlux. */
	public boolean isServlet() {
		return this.servlet;
	}

	/** Default {@code server.workers}: gunicorn's 2 × cores + 1 for sync; 1 for thread and virtual; cores for reactive. */
	public int defaultWorkers(int cores) {
		return switch (this) {
			case SYNC -> 2 * cores + 1;
			case THREAD, VIRTUAL -> 1;
			case REACTIVE -> cores;
		};
	}

	/** Default {@code server.threads}: 200, the pool a plain Spring Boot app has on Tomcat. */
	public int defaultThreads() {
		return this == THREAD ? 200 : 1;
	}

	/** Default {@code server.worker-connections}: gunicorn's 1000. */
	public int defaultWorkerConnections() {
		return 1000;
	}

	/** Whether {@code server.threads} means anything for this class. */
	public boolean usesThreads() {
		return this == THREAD;
	}

	/** Whether {@code server.worker-connections} means anything for this class. */
	public boolean usesWorkerConnections() {
		return this == VIRTUAL || this == REACTIVE;
	}

	/**
	 * Reads a class name or alias, case-insensitively and ignoring surrounding blanks.
	 * @throws InvalidWorkerSettingException for anything else: a misspelt class is an error, not a fallback
	 */
	public static WorkerClass parse(String text) {
		String name = (text != null) ? text.trim().toLowerCase(Locale.ROOT) : "";
		for (WorkerClass workerClass : values()) {
			if (workerClass.canonicalName.equals(name) || workerClass.aliases.contains(name)) {
				return workerClass;
			}
		}
		String expected = "one of " + String.join(", ", allNames());
		String suggestion = closestName(name);
		if (suggestion != null) {
			expected += " (did you mean '" + suggestion + "'?)";
		}
		throw new InvalidWorkerSettingException("server.worker-class", text, expected);
	}

	/** Every accepted name: the canonical ones first, then the aliases. */
	public static List<String> allNames() {
		List<String> names = new ArrayList<>();
		Arrays.stream(values()).map(WorkerClass::canonicalName).forEach(names::add);
		Arrays.stream(values()).flatMap((workerClass) -> workerClass.aliases.stream()).forEach(names::add);
		return names;
	}

	private static String closestName(String name) {
		if (name.isEmpty()) {
			return null;
		}
		return allNames().stream()
			.min(Comparator.comparingInt((String candidate) -> editDistance(name, candidate)))
			.filter((candidate) -> editDistance(name, candidate) <= 2)
			.orElse(null);
	}

	private static int editDistance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
