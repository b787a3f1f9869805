package dev.workerclass.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gunicorn's rules of thumb, with numbers: requests that mostly wait (a waiting share of at least
 * {@value #IO_BOUND_WAITING}) fit {@code virtual} ({@code reactive} for reactive handlers); requests
 * mostly on CPU (a waiting share of at most {@value #CPU_BOUND_WAITING}, or the cores at least
 * {@value #CORES_SATURATED} busy while requests were in flight) fit {@code thread} with about as
 * many threads as cores; between the two, {@code thread}. Threads are sized by the CPU share, as
 * {@code cores / cpuShare}, rounded (a thread that is on CPU half the time lets two share a core), between
 * the cores and {@code 2 × cores + 1} for CPU-bound requests, gunicorn's formula for workers.
 * <p>
 * Apart from the class, it names what limits the server that more workers would not help: a
 * JDBC pool with threads waiting while workers sat idle, a queued offload pool, carriers held by
 * native calls, blocked event loops. Each is named once it was seen at
 * {@value #LIMIT_SHARE} or more of the sampler's looks while requests were in flight.
 */
public final class Advisor {

	static final double IO_BOUND_WAITING = 0.75;

	static final double CPU_BOUND_WAITING = 0.25;

	static final double CORES_SATURATED = 0.9;

	static final double LIMIT_SHARE = 0.1;

	/** Worker connections suggested for virtual threads at least: the class's default. */
	static final int MIN_WORKER_CONNECTIONS = 1000;

	static final int MAX_THREADS = 200;

	private Advisor() {
	}

	/**
	 * What the server runs now, and what its diagnostics saw, beside the workload.
	 *
	 * @param workerClass the class in force ({@code sync}, {@code thread}, {@code virtual},
	 * {@code reactive}), or {@code none} when no class is set
	 * @param reactiveHandlers whether the app is a WebFlux app (its handlers reactive)
	 * @param minSamples sampled requests needed before any advice
	 * @param nativeCallFindings carrier starvation explained by native calls (virtual)
	 * @param blockedLoops times an event loop ran one task past the threshold (reactive)
	 */
	public record Context(String workerClass, boolean reactiveHandlers, long minSamples, long nativeCallFindings,
			long blockedLoops) {

	}

	public static Advice advise(WorkloadReport report, Context context) {
		List<Advice.Limit> limits = limits(report, context);
		int cores = report.cores();
		if (report.sampled() < context.minSamples()) {
			return new Advice(Advice.Verdict.NOT_ENOUGH, null, Map.of(),
					"Not seen enough yet: " + report.sampled() + " requests measured of the " + context.minSamples()
							+ " needed (one in " + report.sampleEvery() + " is measured).",
					limits);
		}
		Double cpuShare = report.cpuShare();
		String load = load(report);
		if (context.reactiveHandlers()) {
			Map<String, String> properties = properties("reactive", "workers", cores);
			String why = (cpuShare == null)
					? "Reactive handlers fit the reactive class (their CPU share is not measured on event loops), "
							+ load + ", " + context.blockedLoops() + " blocked event loops seen."
					: "Reactive handlers fit the reactive class, one event loop per core: " + shares(cpuShare) + ", "
							+ load + ".";
			return new Advice((cpuShare == null) ? Advice.Verdict.UNSURE : verdict(cpuShare, report.coresBusy()),
					"reactive", properties, why, limits);
		}
		if (cpuShare == null) {
			return new Advice(Advice.Verdict.NOT_ENOUGH, null, Map.of(),
					"Not seen enough yet: " + report.sampled()
							+ " requests measured, but too few looks at their threads to tell CPU from waiting.",
					limits);
		}
		Double coresBusy = report.coresBusy();
		Advice.Verdict verdict = verdict(cpuShare, coresBusy);
		String cpu = (coresBusy != null) ? ", this process keeping the " + cores + " cores " + percent(coresBusy) + " busy"
				+ ((report.machineBusy() != null) ? " (the machine " + percent(report.machineBusy()) + ")" : "") : "";
		return switch (verdict) {
			case IO_BOUND -> {
				int connections = Math.max(MIN_WORKER_CONNECTIONS, 4 * report.inFlightPeak());
				yield new Advice(verdict, "virtual", properties("virtual", "worker-connections", connections),
						"I/O-bound: " + shares(cpuShare) + ", " + load + cpu
								+ ", so one virtual thread per request serves them without a thread each waiting.",
						limits);
			}
			case CPU_BOUND -> {
				int threads = threads(cpuShare, cores, 2 * cores + 1);
				yield new Advice(verdict, "thread", properties("thread", "threads", threads),
						"CPU-bound: " + shares(cpuShare) + ", " + load + cpu + ", so about as many threads as cores ("
								+ threads + " for " + cores + "; or sync with server.workers=" + threads
								+ ") serve them, and more would only queue for the cores.",
						limits);
			}
			case UNSURE -> {
				int threads = threads(cpuShare, cores, MAX_THREADS);
				yield new Advice(verdict, "thread", properties("thread", "threads", threads),
						"Neither clearly I/O- nor CPU-bound: " + shares(cpuShare) + ", " + load + cpu
								+ ", so a thread pool of cores / CPU share = " + threads
								+ " threads, gunicorn's gthread when unsure.",
						limits);
			}
			case NOT_ENOUGH -> throw new IllegalStateException();
		};
	}

	static Advice.Verdict verdict(double cpuShare, Double coresBusy) {
		double waiting = 1 - cpuShare;
		if (waiting <= CPU_BOUND_WAITING || (coresBusy != null && coresBusy >= CORES_SATURATED)) {
			return Advice.Verdict.CPU_BOUND;
		}
		return (waiting >= IO_BOUND_WAITING) ? Advice.Verdict.IO_BOUND : Advice.Verdict.UNSURE;
	}

	/** {@code cores / cpuShare}, between the cores and {@code max}. */
	static int threads(double cpuShare, int cores, int max) {
		double wanted = Math.round(cores / Math.max(cpuShare, 0.001));
		return (int) Math.max(cores, Math.min(max, wanted));
	}

	private static Map<String, String> properties(String workerClass, String size, int value) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("server.worker-class", workerClass);
		properties.put("server.workers", "reactive".equals(workerClass) ? String.valueOf(value) : "1");
		if (!"workers".equals(size)) {
			properties.put("server." + size, String.valueOf(value));
		}
		return properties;
	}

	private static String shares(double cpuShare) {
		return percent(1 - cpuShare) + " of request time waiting and " + percent(cpuShare) + " on CPU";
	}

	private static String load(WorkloadReport report) {
		return String.format(Locale.ROOT, "%.1f requests in flight on average and %d at peak", report.inFlightMean(),
				report.inFlightPeak());
	}

	static String percent(double share) {
		return Math.round(share * 100) + "%";
	}

	private static List<Advice.Limit> limits(WorkloadReport report, Context context) {
		List<Advice.Limit> limits = new ArrayList<>();
		for (PoolReport pool : report.pools()) {
			if ("jdbc".equals(pool.kind()) && pool.waitingWhileWorkersIdleShare() >= LIMIT_SHARE) {
				limits.add(new Advice.Limit("jdbc-pool", pool.name(), String.format(Locale.ROOT,
						"The JDBC pool %s (%d connections) is the limit: threads waited for a connection at %s of the"
								+ " looks while workers sat idle (%.1f waiting on average, %d at peak); more workers will"
								+ " not help, a bigger pool or shorter transactions will.",
						pool.name(), pool.size(), percent(pool.waitingWhileWorkersIdleShare()), pool.meanWaiting(),
						pool.peakWaiting())));
			}
			else if ("offload".equals(pool.kind()) && pool.waitingShare() >= LIMIT_SHARE) {
				limits.add(new Advice.Limit("offload-pool", pool.name(), String.format(Locale.ROOT,
						"The offload pool (%d threads) is the limit: tasks were queued for it at %s of the looks"
								+ " (%d at peak); raise server.offload-threads, or move less to it.",
						pool.size(), percent(pool.waitingShare()), pool.peakWaiting())));
			}
		}
		if (context.nativeCallFindings() > 0) {
			limits.add(new Advice.Limit("native-calls", "carriers", "Native calls held the virtual threads' carriers "
					+ context.nativeCallFindings() + " times (see diagnostics): mark those handlers @Blocking to run"
					+ " them on the offload pool."));
		}
		if (context.blockedLoops() > 0) {
			limits.add(new Advice.Limit("blocked-loops", "event-loops", "An event loop was blocked "
					+ context.blockedLoops() + " times (see diagnostics): return a plain value or mark the handler"
					+ " @Blocking so that it runs on the offload pool."));
		}
		return List.copyOf(limits);
	}

}
