package dev.workerclass.undertow;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Processor;
import org.reactivestreams.Publisher;
import org.xnio.channels.StreamSinkChannel;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.AbstractListenerServerHttpResponse;
import org.springframework.http.server.reactive.AbstractListenerWriteFlushProcessor;
import org.springframework.http.server.reactive.AbstractListenerWriteProcessor;

/**
 * A WebFlux response over an Undertow exchange. Each buffer is written to the response channel as
 * far as the socket takes it; the rest waits for the channel's write event before the next buffer
 * is requested, so a slow reader holds back the producer instead of filling the heap. Fixed-length
 * when the application set {@code Content-Length}, chunked otherwise (Undertow's choice from the
 * headers); the exchange itself is ended by {@link UndertowHttpHandlerAdapter}.
 */
class UndertowServerHttpResponse extends AbstractListenerServerHttpResponse {

	private final HttpServerExchange exchange;

	private final String logPrefix;

	private @Nullable StreamSinkChannel channel;

	/**
	 * Whether the channel took everything offered last time. Cleared before write events are
	 * resumed, set by the write event, so a wake-up that comes while a write is still returning is
	 * not lost: the base class asks again once the write has returned.
	 */
	private volatile boolean writable = true;

	private volatile @Nullable BodyFlushProcessor flushProcessor;

	private volatile @Nullable BodyProcessor bodyProcessor;

	UndertowServerHttpResponse(HttpServerExchange exchange, DataBufferFactory bufferFactory, String logPrefix) {
		super(bufferFactory);
		this.exchange = exchange;
		this.logPrefix = logPrefix;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getNativeResponse() {
		return (T) this.exchange;
	}

	@Override
	protected void applyStatusCode() {
		HttpStatusCode status = super.getStatusCode();
		if (status != null) {
			this.exchange.setStatusCode(status.value());
		}
	}

	@Override
	protected void applyHeaders() {
		getHeaders().forEach((name, values) -> this.exchange.getResponseHeaders()
			.putAll(HttpString.tryFromString(name), values));
	}

	@Override
	protected void applyCookies() {
		for (String name : getCookies().keySet()) {
			for (ResponseCookie cookie : getCookies().get(name)) {
				this.exchange.getResponseHeaders().add(Headers.SET_COOKIE, cookie.toString());
			}
		}
	}

	@Override
	protected Processor<? super Publisher<? extends DataBuffer>, Void> createBodyFlushProcessor() {
		BodyFlushProcessor processor = new BodyFlushProcessor();
		this.flushProcessor = processor;
		return processor;
	}

	/**
	 * The response channel, taken at the first write or flush. Not earlier: the base class creates
	 * the processors before it applies the headers, and Undertow picks fixed-length or chunked
	 * from the headers present when the channel is taken.
	 */
	private StreamSinkChannel sink() {
		StreamSinkChannel sink = this.channel;
		if (sink == null) {
			sink = this.exchange.getResponseChannel();
			if (sink == null) {
				throw new IllegalStateException("The response channel was already taken");
			}
			sink.getWriteSetter().set((ready) -> {
				ready.suspendWrites();
				this.writable = true;
				BodyProcessor body = this.bodyProcessor;
				if (body != null) {
					body.onWritePossible();
				}
				BodyFlushProcessor flush = this.flushProcessor;
				if (flush != null) {
					flush.flushPossible();
				}
			});
			this.channel = sink;
		}
		return sink;
	}

	/** Waits for the channel's next write event. */
	private void awaitWritable(StreamSinkChannel sink) {
		this.writable = false;
		sink.resumeWrites();
	}

	/** One body, flushed at the boundaries the application asks for (a stream's elements). */
	private final class BodyFlushProcessor extends AbstractListenerWriteFlushProcessor<DataBuffer> {

		private volatile boolean flushPending;

		BodyFlushProcessor() {
			super(UndertowServerHttpResponse.this.logPrefix);
		}

		void flushPossible() {
			if (this.flushPending) {
				onFlushPossible();
			}
		}

		@Override
		protected Processor<? super DataBuffer, Void> createWriteProcessor() {
			BodyProcessor processor = new BodyProcessor();
			UndertowServerHttpResponse.this.bodyProcessor = processor;
			return processor;
		}

		@Override
		protected boolean isWritePossible() {
			return UndertowServerHttpResponse.this.writable;
		}

		@Override
		protected void flush() throws IOException {
			StreamSinkChannel sink = sink();
			this.flushPending = !sink.flush();
			if (this.flushPending) {
				awaitWritable(sink);
			}
		}

		@Override
		protected boolean isFlushPending() {
			return this.flushPending;
		}

		@Override
		protected void flushingFailed(Throwable ex) {
			// The base class leaves a failed flush to the subclass: end the body with the error,
			// which reaches the handler's result and closes the connection.
			cancel();
			onError(ex);
		}

	}

	/** Writes the buffers of one flush boundary, one at a time. */
	private final class BodyProcessor extends AbstractListenerWriteProcessor<DataBuffer> {

		BodyProcessor() {
			super(UndertowServerHttpResponse.this.logPrefix);
		}

		@Override
		protected boolean isDataEmpty(DataBuffer data) {
			return data.readableByteCount() == 0;
		}

		@Override
		protected void dataReceived(DataBuffer data) {
			touchDataBuffer(data);
			super.dataReceived(data);
		}

		@Override
		protected boolean isWritePossible() {
			return UndertowServerHttpResponse.this.writable;
		}

		@Override
		protected boolean write(DataBuffer data) throws IOException {
			StreamSinkChannel sink = sink();
			int written = 0;
			try (DataBuffer.ByteBufferIterator buffers = data.readableByteBuffers()) {
				while (buffers.hasNext()) {
					ByteBuffer buffer = buffers.next();
					written += sink.write(buffer);
					if (buffer.hasRemaining()) {
						break;
					}
				}
			}
			data.readPosition(data.readPosition() + written);
			if (data.readableByteCount() > 0) {
				awaitWritable(sink);
				return false;
			}
			DataBufferUtils.release(data);
			return true;
		}

		@Override
		protected void discardData(DataBuffer data) {
			DataBufferUtils.release(data);
		}

	}

}
