package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * gunicorn's {@code gevent}/{@code eventlet} ({@code async}): one virtual thread per request, at
 * most {@code workers × worker-connections} at once. Handlers keep their blocking style; a
 * blocking call unmounts the virtual thread and frees its carrier, as a greenlet yields to the hub.
 */
public final class VirtualWorkers extends Workers {

	private final ThreadFactory threads = Thread.ofVirtual().name("workerclass-virtual-", 1).factory();

	public VirtualWorkers(WorkerSettings settings) {
		super(settings);
	}

	@Override
	protected void dispatch(Runnable admitted) {
		this.threads.newThread(admitted).start();
	}

	@Override
	public void close(Duration grace) {
		// Virtual threads need no stopping; wait, within the grace period, for the ones still running.
		long deadline = System.nanoTime() + grace.toNanos();
		while (slots().busy() > 0 && System.nanoTime() < deadline) {
			try {
				TimeUnit.MILLISECONDS.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
