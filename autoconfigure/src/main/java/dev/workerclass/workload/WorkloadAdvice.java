package dev.workerclass.workload;

import java.util.function.Supplier;

/**
 * The workload and the advice read from it, as the endpoint and the log ask for them: each call
 * reads what was measured until then.
 */
public final class WorkloadAdvice {

	private final Workload workload;

	private final Supplier<Advisor.Context> context;

	/**
	 * @param workload what is measured
	 * @param context what the server runs and its diagnostics saw, asked at each call
	 */
	public WorkloadAdvice(Workload workload, Supplier<Advisor.Context> context) {
		this.workload = workload;
		this.context = context;
	}

	public Workload workload() {
		return this.workload;
	}

	public WorkloadReport report() {
		return this.workload.report();
	}

	/** The advice for what was measured so far. */
	public Advice advice() {
		return Advisor.advise(this.workload.report(), this.context.get());
	}

	/** The advice for a report already read, so that the two agree. */
	public Advice advice(WorkloadReport report) {
		return Advisor.advise(report, this.context.get());
	}

}
