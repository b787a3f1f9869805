package dev.workerclass.autoconfigure;

import dev.workerclass.diagnostics.WorkersDiagnostics;

import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops the {@link WorkersDiagnostics} with the application context, so that a
 * context stopped and started again (the test framework's context cache does this) watches again.
 */
public final class WorkersDiagnosticsLifecycle implements SmartLifecycle {

	private final WorkersDiagnostics diagnostics;

	public WorkersDiagnosticsLifecycle(WorkersDiagnostics diagnostics) {
		this.diagnostics = diagnostics;
	}

	@Override
	public void start() {
		this.diagnostics.start();
	}

	@Override
	public void stop() {
		this.diagnostics.stop();
	}

	@Override
	public boolean isRunning() {
		return this.diagnostics.isRunning();
	}

}
