package dev.workerclass.undertow;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.handlers.SetHeaderHandler;
import org.jspecify.annotations.Nullable;
import org.xnio.Options;
import org.xnio.XnioIoThread;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.boot.web.server.reactive.AbstractReactiveWebServerFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.util.Assert;

/**
 * Spring WebFlux on {@code undertow-core}, which Spring Boot 4 no longer supports itself. Honours
 * Boot's port (0 for any free one), address, {@code server.shutdown} and server header; the I/O
 * threads, accept backlog and idle keep-alive timeout come from the workers. Plain HTTP/1.1:
 * SSL, HTTP/2 and compression are refused at start-up rather than silently left out.
 */
public class UndertowReactiveWebServerFactory extends AbstractReactiveWebServerFactory {

	/** Prefix of the I/O thread names: XNIO names them "{worker name} I/O-{n}". */
	public static final String WORKER_NAME = "workerclass-undertow";

	private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

	private @Nullable Integer backlog;

	private @Nullable Duration idleTimeout;

	private volatile @Nullable UndertowWebServer webServer;

	private static final AtomicBoolean ioThreadsMarked = new AtomicBoolean();

	/** The number of I/O threads (event loops), fixed for the server's life. */
	public void setIoThreads(int ioThreads) {
		Assert.isTrue(ioThreads > 0, "ioThreads must be positive");
		this.ioThreads = ioThreads;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	/** The TCP accept backlog; {@code null} for XNIO's default. */
	public void setBacklog(@Nullable Integer backlog) {
		this.backlog = backlog;
	}

	/** How long a connection may stay idle between requests; {@code null} for no limit (Undertow's default). */
	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	@Override
	public WebServer getWebServer(HttpHandler httpHandler) {
		refuseUnsupported();
		if (ioThreadsMarked.compareAndSet(false, true)) {
			// As Netty's loop threads are: block() on an I/O thread then fails at once instead of
			// stalling every connection of that thread. Reactor keeps the predicate for the JVM's life.
			Schedulers.registerNonBlockingThreadPredicate((thread) -> thread instanceof XnioIoThread);
		}
		// A client that sent "Expect: 100-continue" gets its 100 once the handler reads the body, not
		// before: a request the application answers without its body never has it sent.
		io.undertow.server.HttpHandler handler = new HttpContinueReadHandler(
				new UndertowHttpHandlerAdapter(httpHandler));
		if (getServerHeader() != null) {
			handler = new SetHeaderHandler(handler, "Server", getServerHeader());
		}
		GracefulShutdownHandler graceful = null;
		if (getShutdown() == Shutdown.GRACEFUL) {
			graceful = new GracefulShutdownHandler(handler);
			handler = graceful;
		}
		InetAddress address = getAddress();
		Undertow.Builder builder = Undertow.builder()
			.setIoThreads(this.ioThreads)
			// The task pool is Undertow's place for blocking handlers; ours never dispatch to it
			// (blocking controller methods go to the workers' offload pool), so keep it minimal.
			.setWorkerThreads(1)
			.setWorkerOption(Options.WORKER_NAME, WORKER_NAME)
			// Bodies are streamed with back-pressure, so their size is the application's business,
			// as on Netty; Undertow would otherwise cut requests above 2 MB.
			.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
			.setHandler(handler)
			.addHttpListener(getPort(), (address != null) ? address.getHostAddress() : "0.0.0.0");
		if (this.backlog != null) {
			builder.setSocketOption(Options.BACKLOG, this.backlog);
		}
		if (this.idleTimeout != null) {
			builder.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) Math.min(Integer.MAX_VALUE,
					this.idleTimeout.toMillis()));
		}
		UndertowWebServer server = new UndertowWebServer(builder.build(), getPort(), graceful);
		this.webServer = server;
		return server;
	}

	private void refuseUnsupported() {
		Ssl ssl = getSsl();
		if (Ssl.isEnabled(ssl)) {
			throw new WebServerException("server.ssl is not supported by the workerclass Undertow engine yet;"
					+ " use server.engine=netty or terminate TLS in front of the application", null);
		}
		if (getHttp2() != null && getHttp2().isEnabled()) {
			throw new WebServerException("server.http2.enabled is not supported by the workerclass Undertow engine"
					+ " yet; use server.engine=netty", null);
		}
		if (getCompression() != null && getCompression().getEnabled()) {
			throw new WebServerException("server.compression.enabled is not supported by the workerclass Undertow"
					+ " engine yet; use server.engine=netty", null);
		}
	}

	/** The I/O threads of the running server, for the event-loop diagnostics; none before it starts. */
	public List<Executor> ioThreads() {
		UndertowWebServer server = this.webServer;
		return (server != null) ? server.ioThreads() : List.of();
	}

}
