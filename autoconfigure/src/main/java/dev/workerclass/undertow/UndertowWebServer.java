package dev.workerclass.undertow;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.undertow.Undertow;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.xnio.XnioWorker;

import org.springframework.boot.web.server.GracefulShutdownCallback;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;

/**
 * A Spring Boot {@link WebServer} over an {@link Undertow} server built but not yet started:
 * {@link #start()} binds, {@link #shutDownGracefully} stops accepting and waits for the requests
 * in flight, {@link #stop()} closes everything.
 */
public class UndertowWebServer implements WebServer {

	private static final Log logger = LogFactory.getLog(UndertowWebServer.class);

	private final Undertow undertow;

	private final int configuredPort;

	private final @Nullable GracefulShutdownHandler gracefulShutdown;

	private final Object monitor = new Object();

	private volatile boolean started;

	private volatile int port = -1;

	/**
	 * @param gracefulShutdown the handler in front of the application when shutdown is graceful;
	 * {@code null} for an immediate shutdown
	 */
	UndertowWebServer(Undertow undertow, int configuredPort, @Nullable GracefulShutdownHandler gracefulShutdown) {
		this.undertow = undertow;
		this.configuredPort = configuredPort;
		this.gracefulShutdown = gracefulShutdown;
	}

	@Override
	public void start() throws WebServerException {
		synchronized (this.monitor) {
			if (this.started) {
				return;
			}
			try {
				this.undertow.start();
			}
			catch (RuntimeException ex) {
				safeStop();
				if (causedBy(ex, BindException.class)) {
					throw new PortInUseException(this.configuredPort, ex);
				}
				throw new WebServerException("Unable to start Undertow", ex);
			}
			this.port = boundPort();
			this.started = true;
			logger.info("Undertow started on port " + this.port + " (http)");
		}
	}

	private int boundPort() {
		for (Undertow.ListenerInfo listener : this.undertow.getListenerInfo()) {
			if (listener.getAddress() instanceof InetSocketAddress address) {
				return address.getPort();
			}
		}
		return this.configuredPort;
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void shutDownGracefully(GracefulShutdownCallback callback) {
		GracefulShutdownHandler handler = this.gracefulShutdown;
		if (handler == null || !this.started) {
			callback.shutdownComplete(GracefulShutdownResult.IMMEDIATE);
			return;
		}
		logger.info("Commencing graceful shutdown. Waiting for active requests to complete");
		// Requests that arrive from now on, on new or keep-alive connections, get 503 while those in
		// flight run to their end; Boot's lifecycle calls stop() if they take longer than the phase
		// allows. The listeners keep accepting: Undertow's suspend() would close every open
		// connection, the ones with requests in flight too.
		handler.shutdown();
		// Called at once if nothing is in flight; Undertow accepts listeners only once shut down.
		handler.addShutdownListener((idle) -> {
			if (idle) {
				logger.info("Graceful shutdown complete");
				callback.shutdownComplete(GracefulShutdownResult.IDLE);
			}
			else {
				logger.info("Graceful shutdown aborted with one or more requests still active");
				callback.shutdownComplete(GracefulShutdownResult.REQUESTS_ACTIVE);
			}
		});
	}

	@Override
	public void stop() throws WebServerException {
		synchronized (this.monitor) {
			if (!this.started) {
				return;
			}
			this.started = false;
			safeStop();
		}
	}

	private void safeStop() {
		try {
			this.undertow.stop();
		}
		catch (RuntimeException ex) {
			logger.debug("Undertow did not stop cleanly", ex);
		}
	}

	@Override
	public int getPort() {
		return this.port;
	}

	/** The I/O threads, one per worker, as executors; none while the server is stopped. */
	public List<Executor> ioThreads() {
		XnioWorker worker = this.started ? this.undertow.getWorker() : null;
		if (worker == null) {
			return List.of();
		}
		List<Executor> threads = new ArrayList<>(worker.getIoThreadCount());
		for (int i = 0; i < worker.getIoThreadCount(); i++) {
			threads.add(worker.getIoThread(i));
		}
		return threads;
	}

	/** The Undertow server behind this web server. */
	public Undertow getUndertow() {
		return this.undertow;
	}

}
