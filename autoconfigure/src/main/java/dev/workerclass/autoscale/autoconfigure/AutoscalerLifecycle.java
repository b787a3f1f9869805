package dev.workerclass.autoscale.autoconfigure;

import dev.workerclass.autoscale.Autoscaler;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link Autoscaler} while the server serves. In the default (last) phase it starts after
 * the web server has started and stops first, before the server's graceful shutdown, so that no
 * resize races the shutdown; the workers themselves close later still, when their bean is destroyed.
 */
final class AutoscalerLifecycle implements SmartLifecycle {

	private final Autoscaler autoscaler;

	AutoscalerLifecycle(Autoscaler autoscaler) {
		this.autoscaler = autoscaler;
	}

	@Override
	public void start() {
		this.autoscaler.start();
	}

	@Override
	public void stop() {
		this.autoscaler.stop();
	}

	@Override
	public boolean isRunning() {
		return this.autoscaler.isRunning();
	}

}
