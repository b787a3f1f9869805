package dev.workerclass.undertow;

import java.net.URISyntaxException;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.xnio.IoUtils;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHeadResponseDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * Serves Spring's reactive {@link HttpHandler} from Undertow: each exchange becomes a WebFlux
 * request and response, the handler's result is subscribed to on the I/O thread that read the
 * request, and its end ends the exchange. A connection that closes while its request is still
 * being handled cancels the handler, as Reactor Netty does, so whatever the request holds (a
 * worker slot) is given back at once.
 */
public class UndertowHttpHandlerAdapter implements io.undertow.server.HttpHandler {

	private static final Log logger = LogFactory.getLog(UndertowHttpHandlerAdapter.class);

	/** The handler result in flight on a connection; HTTP/1.1 serves one exchange at a time per connection. */
	private static final AttachmentKey<InFlight> IN_FLIGHT = AttachmentKey.create(InFlight.class);

	private final HttpHandler handler;

	private final DataBufferFactory bufferFactory = DefaultDataBufferFactory.sharedInstance;

	public UndertowHttpHandlerAdapter(HttpHandler handler) {
		this.handler = handler;
	}

	@Override
	public void handleRequest(HttpServerExchange exchange) {
		UndertowServerHttpRequest request;
		try {
			request = new UndertowServerHttpRequest(exchange, this.bufferFactory);
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			logger.debug("Rejected a request whose target or method is not valid: " + ex.getMessage());
			exchange.setStatusCode(StatusCodes.BAD_REQUEST);
			exchange.endExchange();
			return;
		}
		String logPrefix = "[" + request.getId() + "] ";
		ServerHttpResponse response = new UndertowServerHttpResponse(exchange, this.bufferFactory, logPrefix);
		if (request.getMethod() == HttpMethod.HEAD) {
			response = new HttpHeadResponseDecorator(response);
		}
		ResultSubscriber result = new ResultSubscriber(exchange, logPrefix);
		ServerHttpResponse handled = response;
		// Dispatched, the exchange outlives this method; the task runs on this same I/O thread once
		// it has returned.
		exchange.dispatch(SameThreadExecutor.INSTANCE,
				() -> this.handler.handle(request, handled).subscribe(result));
	}

	/** Cancels the handler of the exchange in flight on a connection when the connection closes. */
	private static final class InFlight implements ServerConnection.CloseListener {

		private volatile @Nullable ResultSubscriber current;

		static void watch(ServerConnection connection, ResultSubscriber result) {
			InFlight inFlight = connection.getAttachment(IN_FLIGHT);
			if (inFlight == null) {
				// One listener per connection, not per request: a keep-alive connection serves many.
				inFlight = new InFlight();
				connection.putAttachment(IN_FLIGHT, inFlight);
				connection.addCloseListener(inFlight);
			}
			inFlight.current = result;
		}

		static void done(ServerConnection connection, ResultSubscriber result) {
			InFlight inFlight = connection.getAttachment(IN_FLIGHT);
			if (inFlight != null && inFlight.current == result) {
				inFlight.current = null;
			}
		}

		@Override
		public void closed(ServerConnection connection) {
			ResultSubscriber result = this.current;
			if (result != null) {
				result.clientGone();
			}
		}

	}

	/** Ends the exchange with the handler's result. */
	private static final class ResultSubscriber implements Subscriber<Void> {

		private final HttpServerExchange exchange;

		private final String logPrefix;

		private volatile @Nullable Subscription subscription;

		ResultSubscriber(HttpServerExchange exchange, String logPrefix) {
			this.exchange = exchange;
			this.logPrefix = logPrefix;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription = subscription;
			InFlight.watch(this.exchange.getConnection(), this);
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void ignored) {
		}

		@Override
		public void onError(Throwable ex) {
			InFlight.done(this.exchange.getConnection(), this);
			if (!this.exchange.isResponseStarted()) {
				logger.debug(this.logPrefix + "Handler failed before the response started; answering 500", ex);
				this.exchange.setStatusCode(StatusCodes.INTERNAL_SERVER_ERROR);
				this.exchange.endExchange();
			}
			else {
				// Part of the response is on the wire: closing the connection is the only honest end.
				logger.debug(this.logPrefix + "Handler failed after the response started; closing the connection", ex);
				IoUtils.safeClose(this.exchange.getConnection());
			}
		}

		@Override
		public void onComplete() {
			InFlight.done(this.exchange.getConnection(), this);
			this.exchange.endExchange();
		}

		void clientGone() {
			Subscription current = this.subscription;
			if (current != null) {
				logger.debug(this.logPrefix + "Connection closed before the response ended; cancelling the handler");
				current.cancel();
			}
		}

	}

}
