package dev.workerclass.readiness.autoconfigure;

import java.time.Duration;

import dev.workerclass.readiness.Readiness;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The first step of a shutdown: readiness goes down, and for {@code server.readiness.drain-delay}
 * the server still serves, new connections included, so that a balancer that probes readiness
 * (or Kubernetes, removing the pod's endpoint) stops sending work before the listener closes.
 * <p>
 * Ordering: Spring Boot has already published {@code REFUSING_TRAFFIC} when the context starts to
 * close; lifecycles then stop from the highest phase down. This phase is above Boot's graceful
 * shutdown of the web server ({@code DEFAULT_PHASE - 1024}), which closes the listener and waits
 * up to {@code spring.lifecycle.timeout-per-shutdown-phase} ({@code server.graceful-timeout}) for
 * the requests in flight, and above the web server's stop ({@code DEFAULT_PHASE - 2048}).
 */
final class DrainOnShutdown implements SmartLifecycle {

	/** Stops before the web server's graceful shutdown, whose phase is DEFAULT_PHASE - 1024. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(DrainOnShutdown.class);

	private final @Nullable Readiness readiness;

	private final Duration delay;

	private volatile boolean running;

	DrainOnShutdown(@Nullable Readiness readiness, Duration delay) {
		this.readiness = readiness;
		this.delay = delay;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		drain();
		pause();
		this.running = false;
	}

	/**
	 * Waits on its own thread, so that the lifecycle processor's own timeout for this phase
	 * bounds the wait and the thread closing the context is not held beyond it.
	 */
	@Override
	public void stop(Runnable callback) {
		drain();
		if (this.delay.isZero()) {
			this.running = false;
			callback.run();
			return;
		}
		Thread.ofVirtual().name("workerclass-drain").start(() -> {
			try {
				pause();
			}
			finally {
				this.running = false;
				callback.run();
			}
		});
	}

	private void drain() {
		if (this.readiness != null) {
			this.readiness.startDraining();
		}
		if (!this.delay.isZero()) {
			logger.info("Shutting down: readiness is down; serving for " + this.delay.toMillis()
					+ " ms more (server.readiness.drain-delay) before the server stops accepting connections");
		}
	}

	private void pause() {
		try {
			Thread.sleep(this.delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
