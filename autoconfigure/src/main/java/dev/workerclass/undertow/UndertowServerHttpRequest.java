package dev.workerclass.undertow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderValues;
import org.jspecify.annotations.Nullable;
import org.xnio.channels.StreamSourceChannel;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractListenerReadPublisher;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * A WebFlux request over an Undertow exchange. The body is read from the exchange's request
 * channel only as far as the subscriber asks for it: with no demand, reads stay suspended and
 * TCP's window holds the client back, so an upload of any size costs one chunk of memory.
 */
class UndertowServerHttpRequest extends AbstractServerHttpRequest {

	/** What one read may take off the channel, and so the size of the buffers the body arrives in. */
	static final int CHUNK_SIZE = 16 * 1024;

	private final HttpServerExchange exchange;

	private final BodyPublisher body;

	UndertowServerHttpRequest(HttpServerExchange exchange, DataBufferFactory bufferFactory) throws URISyntaxException {
		super(HttpMethod.valueOf(exchange.getRequestMethod().toString()), uriOf(exchange), "", headersOf(exchange));
		this.exchange = exchange;
		this.body = new BodyPublisher(exchange, bufferFactory, "[" + getId() + "] ");
	}

	private static URI uriOf(HttpServerExchange exchange) throws URISyntaxException {
		// getRequestURI is the target as the client sent it (still encoded); absolute-form includes the host.
		String target = exchange.getRequestURI();
		String query = exchange.getQueryString();
		String pathAndQuery = (query == null || query.isEmpty()) ? target : target + "?" + query;
		if (exchange.isHostIncludedInRequestURI()) {
			return new URI(pathAndQuery);
		}
		return new URI(exchange.getRequestScheme() + "://" + exchange.getHostAndPort() + pathAndQuery);
	}

	private static HttpHeaders headersOf(HttpServerExchange exchange) {
		HttpHeaders headers = new HttpHeaders();
		for (HeaderValues values : exchange.getRequestHeaders()) {
			String name = values.getHeaderName().toString();
			for (String value : values) {
				headers.add(name, value);
			}
		}
		return headers;
	}

	@Override
	protected MultiValueMap<String, HttpCookie> initCookies() {
		MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
		for (Cookie cookie : this.exchange.requestCookies()) {
			cookies.add(cookie.getName(), new HttpCookie(cookie.getName(), cookie.getValue()));
		}
		return cookies;
	}

	@Override
	public @Nullable InetSocketAddress getLocalAddress() {
		return this.exchange.getDestinationAddress();
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.exchange.getSourceAddress();
	}

	@Override
	protected @Nullable SslInfo initSslInfo() {
		// The engine serves plain HTTP only (the factory refuses SSL).
		return null;
	}

	@Override
	public Flux<DataBuffer> getBody() {
		return Flux.from(this.body);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getNativeRequest() {
		return (T) this.exchange;
	}

	/** Chunks of the request body, read when asked for. */
	private static final class BodyPublisher extends AbstractListenerReadPublisher<DataBuffer> {

		private final HttpServerExchange exchange;

		private final DataBufferFactory bufferFactory;

		private @Nullable StreamSourceChannel channel;

		/** Reused for every read: reads of one body never overlap, the base class sees to that. */
		private @Nullable ByteBuffer scratch;

		BodyPublisher(HttpServerExchange exchange, DataBufferFactory bufferFactory, String logPrefix) {
			super(logPrefix);
			this.exchange = exchange;
			this.bufferFactory = bufferFactory;
			// A response that ends before the body was read to its end ends the body too.
			exchange.addExchangeCompleteListener((completed, next) -> {
				onAllDataRead();
				next.proceed();
			});
		}

		private StreamSourceChannel channel() {
			StreamSourceChannel current = this.channel;
			if (current == null) {
				// Taken only once the body is wanted, so a request whose body nobody reads leaves
				// it to Undertow, which discards it when the exchange ends.
				current = this.exchange.getRequestChannel();
				if (current == null) {
					throw new IllegalStateException("The request body was already taken");
				}
				current.getReadSetter().set((ready) -> onDataAvailable());
				current.getCloseSetter().set((closed) -> onAllDataRead());
				this.channel = current;
			}
			return current;
		}

		@Override
		protected void checkOnDataAvailable() {
			StreamSourceChannel current = channel();
			current.resumeReads();
			// Data may be buffered already, in which case no read event would come for it.
			onDataAvailable();
		}

		@Override
		protected @Nullable DataBuffer read() throws IOException {
			ByteBuffer buffer = this.scratch;
			if (buffer == null) {
				buffer = ByteBuffer.allocate(CHUNK_SIZE);
				this.scratch = buffer;
			}
			buffer.clear();
			int read = channel().read(buffer);
			if (read == -1) {
				onAllDataRead();
				return null;
			}
			if (read == 0) {
				return null;
			}
			buffer.flip();
			DataBuffer chunk = this.bufferFactory.allocateBuffer(read);
			chunk.write(buffer);
			return chunk;
		}

		@Override
		protected void readingPaused() {
			StreamSourceChannel current = this.channel;
			if (current != null) {
				current.suspendReads();
			}
		}

		@Override
		protected void discardData() {
			// Nothing is held here: every chunk read went straight to the subscriber.
		}

	}

}
