package dev.workerclass.workers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The four ways to handle concurrent requests, named as gunicorn names its worker classes
 * ({@code -k}). Each knows its names; what it is (its thread, its capacity rule, its defaults, what
 * it asks of the engine) is its {@link WorkerModel}, declared beside the {@link Workers} subclass
 * that runs it: {@link SyncWorkers}, {@link ThreadWorkers}, {@link VirtualWorkers},
 * {@link ReactiveWorkers}.
 */
public enum WorkerClass {

	/** gunicorn {@code sync}: one platform thread per worker, one request at a time, no keep-alive. */
	SYNC("sync", List.of(), () -> SyncWorkers.MODEL),

	/** gunicorn {@code gthread}: a pool of {@code workers × threads} platform threads, keep-alive on. */
	THREAD("thread", List.of("gthread", "threads"), () -> ThreadWorkers.MODEL),

	/** gunicorn {@code gevent}/{@code eventlet}: one virtual thread per request. */
	VIRTUAL("virtual", List.of("async", "gevent", "eventlet", "green"), () -> VirtualWorkers.MODEL),

	/** gunicorn {@code tornado}/{@code aiohttp}: event-loop threads running Spring WebFlux. */
	REACTIVE("reactive", List.of("tornado", "aiohttp", "gaiohttp", "asyncio", "event-loop"),
			() -> ReactiveWorkers.MODEL);

	/** The class used when {@code server.worker-class} is not set: a plain Spring Boot app's model. */
	public static final WorkerClass DEFAULT = THREAD;

	/** Default {@code server.worker-connections}: gunicorn's 1000, whatever the class. */
	private static final int DEFAULT_WORKER_CONNECTIONS = 1000;

	private final String canonicalName;

	private final List<String> aliases;

	// Read lazily: the models live in the Workers subclasses, which must not be initialized first.
	private final Supplier<WorkerModel> model;

	WorkerClass(String canonicalName, List<String> aliases, Supplier<WorkerModel> model) {
		this.canonicalName = canonicalName;
		this.aliases = aliases;
		this.model = model;
	}

	/** The name the starter prints and reports: {@code sync}, {@code thread}, {@code virtual}, {@code reactive}. */
	public String canonicalName() {
		return this.canonicalName;
	}

	/** Other names accepted for this class (gunicorn's and asyncio's words for the same model). */
	public List<String> aliases() {
		return this.aliases;
	}

	/** What this class is: its thread, capacity rule, defaults and what it asks of the engine. */
	public WorkerModel model() {
		return this.model.get();
	}

	/** Makes this class's workers. */
	public Workers newWorkers(WorkerSettings settings) {
		return model().newWorkers().apply(settings);
	}

	/** Whether the class runs on a servlet container (Spring MVC) rather than WebFlux: every class but the event loops. */
	public boolean isServlet() {
		return model().threadKind() != WorkerModel.ThreadKind.EVENT_LOOP;
	}

	/** The thread a request's handler runs on. */
	public WorkerModel.ThreadKind threadKind() {
		return model().threadKind();
	}

	/** Whether a connection stays open for the next request; a class that says no closes it after each response. */
	public boolean keepsAlive() {
		return model().keepsAlive();
	}

	/**
	 * Whether the engine must accept no more connections than {@link WorkerSettings#connectionLimit()},
	 * leaving the rest in the kernel's backlog; otherwise that limit is a floor under the engine's own.
	 */
	public boolean capsConnections() {
		return model().capsConnections();
	}

	/** Default {@code server.workers} for a number of cores. */
	public int defaultWorkers(int cores) {
		return model().defaultWorkers().applyAsInt(cores);
	}

	/** Default {@code server.threads}. */
	public int defaultThreads() {
		return model().defaultThreads();
	}

	/** Default {@code server.worker-connections}: gunicorn's 1000. */
	public int defaultWorkerConnections() {
		return DEFAULT_WORKER_CONNECTIONS;
	}

	/** Whether {@code server.threads} means anything for this class. */
	public boolean usesThreads() {
		return model().perWorker() == WorkerModel.PerWorker.THREADS;
	}

	/** Whether {@code server.worker-connections} means anything for this class. */
	public boolean usesWorkerConnections() {
		return model().perWorker() == WorkerModel.PerWorker.WORKER_CONNECTIONS;
	}

	/** Requests served at once by {@code workers} workers of this class with these per-worker sizes. */
	public long capacity(int workers, int threads, int workerConnections) {
		return (long) workers * model().perWorker().size(threads, workerConnections);
	}

	/**
	 * Reads a class name or alias, case-insensitively and ignoring surrounding blanks.
	 * @throws InvalidWorkerSettingException for anything else: a misspelt class is an error, not a fallback
	 */
	public static WorkerClass parse(@Nullable String text) {
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

	private static @Nullable String closestName(String name) {
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
